"""What is due now, read from the journey's own tables.

Each query looks only at a bounded window of due times through an index (milestones due around
today, pursuits that went quiet in the last week past the threshold, reviews around their due
date), so the sweep's cost follows what is due, not the size of the history. A nudge missed
because the sweep was down is still found on the next sweep within that window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.journey import State
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.reviews import ReviewStatus
from coachbot.storage.models import (
    Cohort,
    CohortMember,
    CredentialRow,
    MilestoneRow,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
    WorkPlan,
)

CATCH_UP = timedelta(days=7)  # how far back a missed nudge is still worth sending
WORKING = [State.PLANNING.value, State.IN_PROGRESS.value, State.NOT_YET.value]
BEFORE_SUBMITTING = [*WORKING, State.DRAFT_WITH_FACILITATOR.value]


@dataclass(frozen=True)
class Thresholds:
    no_plan_days: int = 7
    inactive_days: int = 10
    window_warnings: tuple[int, ...] = (7, 1)
    review_soon_days: int = 2
    escalate_after_days: int = 3
    approval_after_days: int = 3


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


async def milestones(
    session: AsyncSession, district_id: int, today: date, now: datetime
) -> list[Due]:
    days = {
        today + timedelta(days=2): NudgeKind.MILESTONE_SOON,
        today: NudgeKind.MILESTONE_TODAY,
        today - timedelta(days=1): NudgeKind.MILESTONE_OVERDUE,
    }
    rows = await session.execute(
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
    return [
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
        for mid, title, due_on, teacher, pursuit, credential in rows.all()
    ]


async def inactive(
    session: AsyncSession, district_id: int, now: datetime, t: Thresholds
) -> list[Due]:
    newest = now - timedelta(days=t.inactive_days)
    rows = await session.execute(
        select(Pursuit.id, Pursuit.teacher_id, Pursuit.last_activity_at, CredentialRow.title)
        .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
        .where(
            Pursuit.state.in_(WORKING),
            Pursuit.last_activity_at <= newest,
            Pursuit.last_activity_at > newest - CATCH_UP,
            Pursuit.district_id == district_id,
        )
    )
    return [
        Due(
            teacher,
            NudgeKind.INACTIVE,
            f"pursuit:{pid}",
            last.date().isoformat(),
            now,
            {"credential": title, "days": t.inactive_days, "pursuit_id": pid},
        )
        for pid, teacher, last, title in rows.all()
    ]


async def no_plan(
    session: AsyncSession, district_id: int, now: datetime, t: Thresholds
) -> list[Due]:
    newest = now - timedelta(days=t.no_plan_days)
    # Members who joined in the window first (an index range), then the few checks on them.
    joined = (
        await session.execute(
            select(CohortMember.person_id, CohortMember.joined_at, CohortMember.cohort_id).where(
                CohortMember.joined_at <= newest,
                CohortMember.joined_at > newest - CATCH_UP,
                CohortMember.role == "teacher",
            )
        )
    ).all()
    if not joined:
        return []
    cohorts = dict(
        (
            await session.execute(
                select(Cohort.id, Cohort.name).where(
                    Cohort.id.in_({c for _, _, c in joined}), Cohort.district_id == district_id
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
    return [
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
) -> list[Due]:
    found: list[Due] = []
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
        if not cohorts and not district_window:
            continue  # the usual day: no window closes, nothing to look at
        conditions = [Pursuit.cohort_id.in_(cohorts)] if cohorts else []
        if district_window:  # pursuits without a cohort window follow the district's
            own = select(Cohort.id).where(Cohort.window_closes_on.is_not(None))
            conditions += [Pursuit.cohort_id.is_(None), Pursuit.cohort_id.notin_(own)]
        closing = or_(*conditions)
        rows = await session.execute(
            select(Pursuit.id, Pursuit.teacher_id, CredentialRow.title)
            .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
            .where(
                Pursuit.district_id == district_id, Pursuit.state.in_(BEFORE_SUBMITTING), closing
            )
        )
        found += [
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
            for pid, teacher, title in rows.all()
        ]
    return found


async def reviews(
    session: AsyncSession, district_id: int, now: datetime, t: Thresholds, admins: list[int]
) -> list[Due]:
    rows = await session.execute(
        select(Review.id, Review.reviewer_id, Review.due_at, Review.purpose, CredentialRow.title)
        .join(Pursuit, Pursuit.id == Review.pursuit_id)
        .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
        .where(
            Review.status == ReviewStatus.ASSIGNED,
            Pursuit.district_id == district_id,
            Review.due_at <= now + timedelta(days=t.review_soon_days),
            Review.due_at > now - CATCH_UP - timedelta(days=t.escalate_after_days),
        )
    )
    found: list[Due] = []
    for rid, reviewer, due_at, purpose, title in rows.all():
        assert due_at is not None  # the query compares it with now
        params = {
            "review_id": rid,
            "credential": title,
            "due": due_at.isoformat(),
            "purpose": purpose,
        }
        slot = due_at.date().isoformat()
        if due_at > now:
            found.append(
                Due(reviewer, NudgeKind.REVIEW_DUE_SOON, f"review:{rid}", slot, now, params)
            )
        else:
            found.append(Due(reviewer, NudgeKind.REVIEW_LATE, f"review:{rid}", slot, now, params))
            if due_at <= now - timedelta(days=t.escalate_after_days):
                found += [
                    Due(admin, NudgeKind.REVIEW_ESCALATION, f"review:{rid}", slot, now, params)
                    for admin in admins
                    if admin != reviewer
                ]
    return found


async def approvals_waiting(
    session: AsyncSession, district_id: int, now: datetime, t: Thresholds, approver_roles: list[str]
) -> list[Due]:
    """Requests that have waited for pre-approval: each approver who may decide hears once."""
    newest = now - timedelta(days=t.approval_after_days)
    waiting = (
        await session.execute(
            select(
                Pursuit.id, Pursuit.updated_at, Person.school_id, Person.name, CredentialRow.title
            )
            .join(Person, Person.id == Pursuit.teacher_id)
            .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
            .where(
                Pursuit.district_id == district_id,
                Pursuit.state == State.AWAITING_APPROVAL.value,
                Pursuit.updated_at <= newest,
                Pursuit.updated_at > newest - CATCH_UP,
            )
        )
    ).all()
    if not waiting:
        return []
    grants = (
        await session.execute(
            select(RoleGrantRow.person_id, RoleGrantRow.school_id)
            .join(Person, Person.id == RoleGrantRow.person_id)
            .where(
                Person.district_id == district_id,
                Person.active.is_(True),
                RoleGrantRow.role.in_(approver_roles),
            )
        )
    ).all()
    found = []
    for pid, updated, school, teacher, title in waiting:
        for approver, scope in grants:
            if scope is None or scope == school:
                found.append(
                    Due(
                        approver,
                        NudgeKind.APPROVAL_WAITING,
                        f"pursuit:{pid}",
                        updated.date().isoformat(),
                        now,
                        {"credential": title, "teacher": teacher, "pursuit_id": pid},
                    )
                )
    return found


async def weekly_digests(
    session: AsyncSession, district_id: int, today: date, now: datetime, t: Thresholds
) -> list[Due]:
    """On Mondays, each cohort facilitator hears who is on track and who has stalled."""
    if today.weekday() != 0:
        return []
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    quiet_since = now - timedelta(days=t.inactive_days)
    found: list[Due] = []
    for cohort_id, cohort in (
        await session.execute(
            select(Cohort.id, Cohort.name).where(
                Cohort.district_id == district_id,
                Cohort.starts_on <= today,
                Cohort.ends_on >= today,
            )
        )
    ).all():
        members = (
            await session.execute(
                select(CohortMember.person_id, CohortMember.role, Person.name)
                .join(Person, Person.id == CohortMember.person_id)
                .where(CohortMember.cohort_id == cohort_id)
            )
        ).all()
        teachers = {pid: name for pid, role, name in members if role == "teacher"}
        facilitators = [pid for pid, role, _ in members if role == "facilitator"]
        if not teachers or not facilitators:
            continue
        # Done, or waiting on a reviewer, counts as on track; otherwise recent work does.
        moving = set(
            await session.scalars(
                select(Pursuit.teacher_id).where(
                    Pursuit.teacher_id.in_(list(teachers)),
                    or_(
                        Pursuit.state.in_(["earned", "submitted", "under_review"]),
                        and_(
                            Pursuit.state.in_(BEFORE_SUBMITTING),
                            Pursuit.last_activity_at > quiet_since,
                        ),
                    ),
                )
            )
        )
        stalled = sorted(name for pid, name in teachers.items() if pid not in moving)
        on_track = sorted(name for pid, name in teachers.items() if name not in stalled)
        found += [
            Due(
                facilitator,
                NudgeKind.WEEKLY_DIGEST,
                f"cohort:{cohort_id}",
                week,
                now,
                {"cohort": cohort, "on_track": on_track, "stalled": stalled},
            )
            for facilitator in facilitators
        ]
    return found
