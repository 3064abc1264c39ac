"""Work plans: save a plan (milestones and a deadline inside the window), tick milestones off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import InvalidInput, NotFound, NotPermitted, PreconditionFailed
from coachbot.domain.journey import State
from coachbot.domain.planning import Milestone, check_plan, ticked_by_submitting
from coachbot.domain.policy import Window
from coachbot.domain.roles import Actor
from coachbot.services.journey.gate import lock_pursuit
from coachbot.services.record import audit, idempotency
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import Cohort, District, MilestoneRow, Pursuit, WorkPlan

PLANNABLE = {State.PLANNING, State.IN_PROGRESS, State.DRAFT_WITH_FACILITATOR, State.NOT_YET}


@dataclass(frozen=True)
class SavedPlan:
    plan_id: int
    deadline: date
    milestones: int
    replayed: bool = False


async def window_for(session: AsyncSession, pursuit: Pursuit) -> Window | None:
    """The cohort's submission window if it has one, else the district's; closing on the
    teacher's own extended day when an admin extended it for them."""
    window = await shared_window_for(session, pursuit)
    extended = pursuit.window_extended_to
    if window is None or extended is None or extended <= window.closes_on:
        return window
    return Window(window.opens_on, extended)


async def shared_window_for(session: AsyncSession, pursuit: Pursuit) -> Window | None:
    """The window the teacher shares with others: their cohort's, else the district's."""
    if pursuit.cohort_id is not None:
        cohort = await session.get(Cohort, pursuit.cohort_id)
        if cohort and cohort.window_opens_on and cohort.window_closes_on:
            return Window(cohort.window_opens_on, cohort.window_closes_on)
    district = await session.get(District, pursuit.district_id)
    assert district is not None
    return policy_from_json(district.policy).submission_window


def local_today(clock: Clock, timezone: str) -> date:
    return clock.now().astimezone(ZoneInfo(timezone)).date()


class PlanningService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def save_plan(
        self,
        actor: Actor,
        pursuit_id: int,
        deadline: date,
        milestones: list[Milestone],
        *,
        idempotency_key: str | None = None,
    ) -> SavedPlan:
        """Create or replace the plan. Milestones already done are kept as they were."""

        async def work(session: AsyncSession) -> dict[str, Any]:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            if actor.person_id != pursuit.teacher_id:
                raise NotPermitted(move="plan", parties=["owner"])
            if State(pursuit.state) not in PLANNABLE:
                raise PreconditionFailed(need="planning_state", state=pursuit.state)
            district = await session.get(District, pursuit.district_id)
            assert district is not None
            today = local_today(self.clock, district.timezone)
            kept = await session.scalar(
                select(func.count(MilestoneRow.id))
                .join(WorkPlan, WorkPlan.id == MilestoneRow.plan_id)
                .where(WorkPlan.pursuit_id == pursuit.id, MilestoneRow.done_at.is_not(None))
            )
            check_plan(milestones, deadline, today, kept=kept or 0)
            window = await window_for(session, pursuit)
            if window and not window.contains(deadline):
                raise InvalidInput(
                    field="deadline",
                    hint="outside_window",
                    value=deadline.isoformat(),
                    opens=window.opens_on.isoformat(),
                    closes=window.closes_on.isoformat(),
                )
            now = self.clock.now()
            plan = await session.scalar(select(WorkPlan).where(WorkPlan.pursuit_id == pursuit.id))
            if plan is None:
                plan = WorkPlan(
                    pursuit_id=pursuit.id, deadline=deadline, created_at=now, updated_at=now
                )
                session.add(plan)
                await session.flush()
            else:
                plan.deadline, plan.updated_at = deadline, now
                await session.execute(
                    delete(MilestoneRow).where(
                        MilestoneRow.plan_id == plan.id, MilestoneRow.done_at.is_(None)
                    )
                )
            done = await session.scalar(
                select(MilestoneRow.position)
                .where(MilestoneRow.plan_id == plan.id)
                .order_by(MilestoneRow.position.desc())
                .limit(1)
            )
            start = (done or 0) + 1
            session.add_all(
                MilestoneRow(
                    plan_id=plan.id,
                    position=start + i,
                    title=m.title.strip(),
                    due_on=m.due_on,
                    done_at=None,
                )
                for i, m in enumerate(sorted(milestones, key=lambda m: m.due_on))
            )
            pursuit.last_activity_at = now
            audit.on_pursuit(
                session,
                pursuit,
                actor,
                "save_plan",
                at=now,
                details={"deadline": deadline.isoformat(), "milestones": len(milestones)},
            )
            return {
                "plan_id": plan.id,
                "deadline": deadline.isoformat(),
                "milestones": len(milestones),
            }

        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope="plan"
        )
        return SavedPlan(
            outcome["plan_id"],
            date.fromisoformat(outcome["deadline"]),
            outcome["milestones"],
            replayed,
        )

    async def complete_milestone(self, actor: Actor, milestone_id: int) -> bool:
        """Mark a milestone done; False if it already was (a second click changes nothing).
        The step of submitting formally is not: only the submission itself completes it."""
        async with self.db.write() as session:
            milestone = await session.get(MilestoneRow, milestone_id)
            if milestone is None:
                raise NotFound(what="milestone", key=str(milestone_id))
            plan = await session.get(WorkPlan, milestone.plan_id)
            assert plan is not None
            pursuit = await lock_pursuit(session, self.db, plan.pursuit_id)
            if actor.person_id != pursuit.teacher_id:
                raise NotPermitted(move="complete_milestone", parties=["owner"])
            if milestone.done_at is not None:
                return False
            if ticked_by_submitting(milestone.title):
                raise PreconditionFailed(need="submitting_ticks_it", step=milestone.title)
            now = self.clock.now()
            milestone.done_at = now
            pursuit.last_activity_at = now
            audit.on_pursuit(
                session,
                pursuit,
                actor,
                "complete_milestone",
                at=now,
                details={"milestone": milestone.title},
            )
            return True
