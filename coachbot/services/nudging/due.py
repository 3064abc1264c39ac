"""What is due now, read from the journey's own tables: the teachers' reminders (the staff's are
in ``due_staff``).

Each query looks only at a bounded window of due times through an index (milestones due around
today, pursuits that went quiet in the last week past the threshold, reviews around their due
date), so the sweep's cost follows what is due, not the size of the history. A nudge missed
because the sweep was down is still found on the next sweep within that window.

What is due can still be large (a whole state's milestone on one day), so each query is an async
generator that reads its rows through a server-side cursor and yields what is due ``size`` at a
time: the sweep stores each chunk before the next is read, and its memory stays flat however
much is due. Streaming leaves the SQL (and so the indexes it uses) exactly as it was, where
paging with ORDER BY and LIMIT would have made the planner weigh a different plan; and rows come
in the order a single read returned them, so a sweep finds exactly what it found before.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Executable, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.journey import State
from coachbot.domain.nudges import NudgeKind
from coachbot.storage.models import (
    Cohort,
    CohortMember,
    CredentialRow,
    MilestoneRow,
    Pursuit,
    WorkPlan,
)

CATCH_UP = timedelta(days=7)  # how far back a missed nudge is still worth sending
WORKING = [State.PLANNING.value, State.IN_PROGRESS.value, State.NOT_YET.value]
BEFORE_SUBMITTING = [*WORKING, State.DRAFT_WITH_FACILITATOR.value]
CHUNK = 500  # reminders held at once: 2-3 MiB at peak; larger chunks bought no speed (bench)


@dataclass(frozen=True)
class Thresholds:
    no_plan_days: int = 7
    inactive_days: int = 10
    # After the first "quiet for a while", again at a growing interval that never passes two
    # weeks without a word, for as long as the work stays open (up to ``quiet_for_at_most``).
    quiet_again: tuple[int, ...] = (7, 11)
    quiet_for_at_most: int = 150
    window_warnings: tuple[int, ...] = (7, 1)
    review_soon_days: int = 2
    escalate_after_days: int = 3
    approval_after_days: int = 3

    def quiet_steps(self) -> list[int]:
        """Days since the last activity at which a quiet teacher hears from us: 10, 17, 28, 39..."""
        steps, gaps = [self.inactive_days], list(self.quiet_again) or [self.quiet_for_at_most]
        while steps[-1] + gaps[0] <= self.quiet_for_at_most:
            steps.append(steps[-1] + gaps[0])
            gaps = gaps[1:] or gaps
        return steps


@dataclass(frozen=True)
class Due:
    person_id: int
    kind: NudgeKind
    subject: str
    slot: str  # makes the key: one nudge per person, kind, subject and occasion
    due_at: datetime
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.person_id}:{self.kind.value}:{self.subject}:{self.slot}"


# What each query yields: what is due, a bounded chunk at a time (closable early).
Chunks = AsyncGenerator[list[Due], None]


@contextlib.asynccontextmanager
async def streamed(
    session: AsyncSession, statement: Executable, size: int
) -> AsyncIterator[AsyncIterator[Sequence[Any]]]:
    """The statement's rows, ``size`` at a time, from a server-side cursor (a named portal on
    PostgreSQL, a stepped statement on SQLite), so at most ``size`` rows are held at once.

    The cursor is closed on leaving the block, also when the consumer stops early, so it never
    outlives the sweep's transaction.
    """
    result = await session.stream(statement.execution_options(yield_per=size))
    try:
        yield result.partitions(size)
    finally:
        await result.close()


async def milestones(
    session: AsyncSession, district_id: int, today: date, now: datetime, size: int = CHUNK
) -> Chunks:
    days = {
        today + timedelta(days=2): NudgeKind.MILESTONE_SOON,
        today: NudgeKind.MILESTONE_TODAY,
        today - timedelta(days=1): NudgeKind.MILESTONE_OVERDUE,
    }
    statement = (
        select(
            MilestoneRow.id,
            MilestoneRow.title,
            MilestoneRow.due_on,
            Pursuit.teacher_id,
            Pursuit.id,
            CredentialRow.title,
        )
        .join(WorkPlan, WorkPlan.id == MilestoneRow.plan_id)
        .join(Pursuit, Pursuit.id == WorkPlan.pursuit_id)
        .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
        .where(
            MilestoneRow.done_at.is_(None),
            MilestoneRow.due_on.in_(list(days)),
            Pursuit.district_id == district_id,
            Pursuit.state.in_(WORKING),
        )
    )
    async with streamed(session, statement, size) as parts:
        async for rows in parts:
            yield [
                Due(
                    teacher,
                    days[due_on],
                    f"milestone:{mid}",
                    due_on.isoformat(),
                    now,
                    {
                        "milestone": title,
                        "due_on": due_on.isoformat(),
                        "credential": credential,
                        "pursuit_id": pursuit,
                    },
                )
                for mid, title, due_on, teacher, pursuit, credential in rows
            ]


async def inactive(
    session: AsyncSession, district_id: int, now: datetime, t: Thresholds, size: int = CHUNK
) -> Chunks:
    """Pursuits quiet for one of ``t.quiet_steps()`` days (each a week-long index range, so
    the sweep reads only pursuits due a word now); the n-th word has its own slot."""
    steps = t.quiet_steps()
    ranges = [
        and_(
            Pursuit.last_activity_at <= now - timedelta(days=days),
            Pursuit.last_activity_at > now - timedelta(days=days) - CATCH_UP,
        )
        for days in steps
    ]
    statement = (
        select(Pursuit.id, Pursuit.teacher_id, Pursuit.last_activity_at, CredentialRow.title)
        .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
        .where(
            Pursuit.state.in_(WORKING),
            or_(*ranges),
            Pursuit.district_id == district_id,
        )
    )
    async with streamed(session, statement, size) as parts:
        async for rows in parts:
            found = []
            for pid, teacher, last, title in rows:
                step = max(n for n, days in enumerate(steps) if last <= now - timedelta(days=days))
                slot = last.date().isoformat() + (f"+{step}" if step else "")
                params = {"credential": title, "days": steps[step], "pursuit_id": pid}
                found.append(Due(teacher, NudgeKind.INACTIVE, f"pursuit:{pid}", slot, now, params))
            yield found


async def no_plan(
    session: AsyncSession, district_id: int, now: datetime, t: Thresholds, size: int = CHUNK
) -> Chunks:
    newest = now - timedelta(days=t.no_plan_days)
    # Members who joined in the window first (an index range), then the few checks on them,
    # one chunk of members at a time.
    joined_in_window = select(
        CohortMember.person_id, CohortMember.joined_at, CohortMember.cohort_id
    ).where(
        CohortMember.joined_at <= newest,
        CohortMember.joined_at > newest - CATCH_UP,
        CohortMember.role == "teacher",
    )
    async with streamed(session, joined_in_window, size) as parts:
        async for joined in parts:
            cohorts = dict(
                (
                    await session.execute(
                        select(Cohort.id, Cohort.name).where(
                            Cohort.id.in_({c for _, _, c in joined}),
                            Cohort.district_id == district_id,
                        )
                    )
                ).all()
            )
            started = set(
                await session.scalars(
                    select(Pursuit.teacher_id).where(
                        Pursuit.teacher_id.in_({p for p, _, _ in joined}),
                        Pursuit.state.notin_([State.PROPOSED.value, State.WITHDRAWN.value]),
                    )
                )
            )
            yield [
                Due(
                    person,
                    NudgeKind.NO_PLAN,
                    "plan",
                    when.date().isoformat(),
                    now,
                    {"cohort": cohorts[cohort]},
                )
                for person, when, cohort in joined
                if cohort in cohorts and person not in started
            ]


async def window_closing(
    session: AsyncSession,
    district_id: int,
    today: date,
    now: datetime,
    t: Thresholds,
    district_closes: date | None,
    size: int = CHUNK,
) -> Chunks:
    for days in t.window_warnings:
        closes = today + timedelta(days=days)
        cohorts = list(
            await session.scalars(
                select(Cohort.id).where(
                    Cohort.district_id == district_id, Cohort.window_closes_on == closes
                )
            )
        )
        district_window = district_closes == closes
        # A teacher an admin gave more time is warned before their own day, not the others'.
        extended_here = await session.scalar(
            select(Pursuit.id)
            .where(Pursuit.district_id == district_id, Pursuit.window_extended_to == closes)
            .limit(1)
        )
        if not cohorts and not district_window and extended_here is None:
            continue  # the usual day: no window closes, nothing to look at
        conditions = [Pursuit.cohort_id.in_(cohorts)] if cohorts else []
        if district_window:  # pursuits without a cohort window follow the district's
            own = select(Cohort.id).where(Cohort.window_closes_on.is_not(None))
            conditions += [Pursuit.cohort_id.is_(None), Pursuit.cohort_id.notin_(own)]
        shared = and_(
            or_(*conditions) if conditions else false(),
            or_(Pursuit.window_extended_to.is_(None), Pursuit.window_extended_to <= closes),
        )
        statement = (
            select(Pursuit.id, Pursuit.teacher_id, CredentialRow.title)
            .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
            .where(
                Pursuit.district_id == district_id,
                Pursuit.state.in_(BEFORE_SUBMITTING),
                or_(shared, Pursuit.window_extended_to == closes),
            )
        )
        async with streamed(session, statement, size) as parts:
            async for rows in parts:
                yield [
                    Due(
                        teacher,
                        NudgeKind.WINDOW_CLOSING,
                        f"pursuit:{pid}",
                        f"{closes.isoformat()}-{days}",
                        now,
                        {
                            "credential": title,
                            "closes": closes.isoformat(),
                            "days": days,
                            "pursuit_id": pid,
                        },
                    )
                    for pid, teacher, title in rows
                ]
