"""More time: an admin extends a cohort's submission window, or one teacher's (a hardship that
carries their work into the next school year), always with a reason in the audit trail.

What follows the new date, in the same transaction:
- a teacher's own extension moves their plan's deadline to the new day and every step not yet
  done by as many days, so no reminder nags about a date that no longer holds;
- reminders already queued about the old dates (a step due, the window closing) are dropped
  with the reason ``extended``; the sweep queues new ones for the new dates;
- each teacher concerned gets the news through the outbox (``window_extended``), so it commits
  with the change and reaches them even from a cohort of thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import InvalidInput, NotFound, NotPermitted, PreconditionFailed
from coachbot.domain.journey import OPEN_STATES, State
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.policy import Window
from coachbot.domain.roles import Actor, Role
from coachbot.services.district.people import person_by_email
from coachbot.services.journey.gate import lock_pursuit
from coachbot.services.journey.planning import local_today, shared_window_for
from coachbot.services.record import audit, idempotency, outbox
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Cohort,
    CredentialRow,
    District,
    MilestoneRow,
    NudgeRow,
    Pursuit,
    WorkPlan,
)

EXTEND = "extend"
# A pursuit still working toward a hand-in: the only ones more time means anything to.
STILL_WORKING = tuple(
    s.value for s in OPEN_STATES if s not in (State.SUBMITTED, State.UNDER_REVIEW)
)


@dataclass(frozen=True)
class Extended:
    """What an extension changed, for the admin's answer."""

    until: date
    name: str  # the teacher's name, or the cohort's
    title: str = ""  # the credential, for a teacher's extension
    previous: date | None = None  # the day the window closed before (None: it had none)
    shifted_days: int = 0  # how far the teacher's plan moved
    teachers_told: int = 0
    replayed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class Extensions:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def for_teacher(
        self,
        actor: Actor,
        email: str,
        code: str | None,
        until: date,
        reason: str,
        *,
        idempotency_key: str | None = None,
    ) -> Extended:
        """Extend one teacher's window on one credential to ``until`` (district admins)."""
        _require_reason(reason)

        async def work(session: AsyncSession) -> dict[str, Any]:
            _require_admin(actor)
            teacher = await person_by_email(session, email, actor.district_id)
            pursuit_id = await _pursuit_of(session, teacher.id, code)
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            district = await session.get(District, pursuit.district_id)
            assert district is not None
            today = local_today(self.clock, district.timezone)
            shared = await shared_window_for(session, pursuit)
            closes = [d for d in (shared.closes_on if shared else None,
                                  pursuit.window_extended_to) if d is not None]  # fmt: skip
            current = max(closes) if closes else None
            _require_later(until, today, current)
            now = self.clock.now()
            pursuit.window_extended_to = until
            shifted = await _move_plan(session, pursuit.id, until, current)
            await _drop_queued(session, now, [pursuit.id])
            credential = await session.get(CredentialRow, pursuit.credential_id)
            assert credential is not None
            details = {"until": until.isoformat(), "was": current and current.isoformat(),
                       "plan_moved_days": shifted}  # fmt: skip
            audit.on_pursuit(session, pursuit, actor, EXTEND, at=now, reason=reason.strip(),
                             details=details)  # fmt: skip
            _tell(session, now, pursuit, until, credential.title, shifted, by=actor.name)
            return {"until": until.isoformat(), "name": teacher.name, "title": credential.title,
                    "previous": current and current.isoformat(), "shifted_days": shifted,
                    "teachers_told": 1}  # fmt: skip

        return await self._once(work, idempotency_key)

    async def for_cohort(
        self,
        actor: Actor,
        cohort_name: str,
        until: date,
        reason: str,
        *,
        idempotency_key: str | None = None,
    ) -> Extended:
        """Extend a cohort's submission window to ``until`` (district admins, or the admins of
        the cohort's school). Teachers' own plans stay theirs: they are told they may move them."""
        _require_reason(reason)

        async def work(session: AsyncSession) -> dict[str, Any]:
            cohort = await session.scalar(
                select(Cohort).where(Cohort.district_id == actor.district_id,
                                     Cohort.name.ilike(cohort_name.strip()))
            )  # fmt: skip
            if cohort is None:
                raise NotFound(what="cohort", key=cohort_name.strip())
            if not actor.is_admin_for(cohort.school_id):  # another school's cohort
                raise NotPermitted(move=EXTEND, parties=["district_admin", "school_admin"])
            district = await session.get(District, cohort.district_id)
            assert district is not None
            today = local_today(self.clock, district.timezone)
            window: Window | None = policy_from_json(district.policy).submission_window
            if cohort.window_opens_on and cohort.window_closes_on:
                window = Window(cohort.window_opens_on, cohort.window_closes_on)
            if window is None:
                raise PreconditionFailed(need="a_window_to_extend", cohort=cohort.name)
            current = window.closes_on
            _require_later(until, today, current)
            now = self.clock.now()
            cohort.window_opens_on, cohort.window_closes_on = window.opens_on, until
            cohort.ends_on = max(cohort.ends_on, until)
            # A teacher's own extension the cohort's new day reaches is no longer theirs alone:
            # they follow the cohort's window (and its reminders) from now on.
            await session.execute(
                update(Pursuit)
                .where(Pursuit.cohort_id == cohort.id, Pursuit.window_extended_to <= until)
                .values(window_extended_to=None)
                .execution_options(synchronize_session=False)
            )
            pursuits = list(await session.execute(
                select(Pursuit, CredentialRow.title)
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .where(Pursuit.cohort_id == cohort.id, Pursuit.state.in_(STILL_WORKING))
            ))  # fmt: skip
            await _drop_queued(session, now, [p.id for p, _ in pursuits], only_window=True)
            audit.record(
                session, at=now, actor=actor, district_id=cohort.district_id,
                subject_type="cohort", subject_id=cohort.id, action=EXTEND,
                reason=reason.strip(), details={"until": until.isoformat(),
                                                "was": current.isoformat()},
            )  # fmt: skip
            for pursuit, title in pursuits:
                _tell(session, now, pursuit, until, title, 0, cohort=cohort.name,
                      by=actor.name)  # fmt: skip
            return {"until": until.isoformat(), "name": cohort.name,
                    "previous": current.isoformat(), "teachers_told": len(pursuits)}

        return await self._once(work, idempotency_key)

    async def _once(self, work: Any, key: str | None) -> Extended:
        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), key, work, scope=EXTEND
        )
        previous = outcome.get("previous")
        return Extended(
            until=date.fromisoformat(outcome["until"]), name=outcome["name"],
            title=outcome.get("title", ""),
            previous=date.fromisoformat(previous) if previous else None,
            shifted_days=outcome.get("shifted_days", 0),
            teachers_told=outcome.get("teachers_told", 0), replayed=replayed,
        )  # fmt: skip


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput(field="reason", hint="extension_reason")


def _require_admin(actor: Actor) -> None:
    if not actor.has_role(Role.DISTRICT_ADMIN):  # one teacher's hardship: the district's call
        raise NotPermitted(move=EXTEND, parties=["district_admin"])


def _require_later(until: date, today: date, current: date | None) -> None:
    """More time means a day after today and after the day the window closes now."""
    if until <= today or (current is not None and until <= current):
        latest = max(today, current) if current else today
        raise InvalidInput(field="until", hint="extension_not_later", value=until.isoformat(),
                           closes=latest.isoformat())  # fmt: skip


async def _pursuit_of(session: AsyncSession, teacher_id: int, code: str | None) -> int:
    """The teacher's one pursuit still in progress, or the one of credential ``code``."""
    statement = (
        select(Pursuit.id, CredentialRow.code)
        .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
        .where(Pursuit.teacher_id == teacher_id, Pursuit.state.in_(STILL_WORKING))
        .order_by(Pursuit.id)
    )
    found = list(await session.execute(statement))
    if code:
        found = [row for row in found if row[1].lower() == code.strip().lower()]
    if len(found) == 1:
        return int(found[0][0])
    if not found:
        raise PreconditionFailed(need="work_to_extend", code=code or "")
    raise InvalidInput(field="code", hint="which_credential", codes=[row[1] for row in found])


async def _move_plan(
    session: AsyncSession, pursuit_id: int, until: date, closed: date | None
) -> int:
    """Move the plan by the extension's length (from the day the window closed to ``until``;
    with no window, from the plan's deadline): its deadline, never past ``until``, and every
    step not done yet. Returns the days moved (0 without a plan)."""
    plan = await session.scalar(select(WorkPlan).where(WorkPlan.pursuit_id == pursuit_id))
    if plan is None:
        return 0
    days = (until - (closed or plan.deadline)).days
    if days <= 0:
        return 0
    plan.deadline = min(until, plan.deadline + timedelta(days=days))
    steps = await session.scalars(
        select(MilestoneRow).where(MilestoneRow.plan_id == plan.id, MilestoneRow.done_at.is_(None))
    )
    for step in steps:  # a handful per plan; date arithmetic stays in Python on both databases
        step.due_on = min(plan.deadline, step.due_on + timedelta(days=days))
    return days


async def _drop_queued(
    session: AsyncSession, now: Any, pursuit_ids: list[int], *, only_window: bool = False
) -> None:
    """Queued reminders about the old dates are dropped (the sweep queues the new ones)."""
    if not pursuit_ids:
        return
    subjects = [f"pursuit:{pid}" for pid in pursuit_ids]
    about = NudgeRow.subject.in_(subjects) & (NudgeRow.kind == NudgeKind.WINDOW_CLOSING.value)
    if not only_window:
        steps = (
            select(MilestoneRow.id)
            .join(WorkPlan, WorkPlan.id == MilestoneRow.plan_id)
            .where(WorkPlan.pursuit_id.in_(pursuit_ids))
        )
        step_subjects = [f"milestone:{mid}" for mid in await session.scalars(steps)]
        about = about | NudgeRow.subject.in_(step_subjects)
    await session.execute(
        update(NudgeRow)
        .where(NudgeRow.status.in_(outbox.UNSENT), about)
        .values(status="dropped", dropped_reason="extended")
        .execution_options(synchronize_session=False)
    )


def _tell(
    session: AsyncSession,
    now: Any,
    pursuit: Pursuit,
    until: date,
    title: str,
    shifted: int,
    *,
    by: str,
    cohort: str = "",
) -> None:
    outbox.queue(
        session, now, key=f"extended:{pursuit.id}:{until.isoformat()}",
        district_id=pursuit.district_id, person_id=pursuit.teacher_id,
        kind=NudgeKind.WINDOW_EXTENDED, subject=f"extension:{pursuit.id}",
        params={"pursuit_id": pursuit.id, "credential": title, "until": until.isoformat(),
                "shifted": shifted, "cohort": cohort, "by": by},
    )  # fmt: skip
