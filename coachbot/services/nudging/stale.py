"""A nudge made stale by progress is dropped at send time, never sent."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.journey import State
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.reviews import ReviewStatus
from coachbot.services.nudging.due import BEFORE_SUBMITTING, WORKING, Thresholds
from coachbot.storage.models import MilestoneRow, Pursuit, Review, WorkPlan


async def is_stale(
    session: AsyncSession,
    kind: NudgeKind,
    subject: str,
    person_id: int,
    now: datetime,
    t: Thresholds,
    today: date | None = None,
) -> bool:
    """True when sending would be pointless: the work is done, the state moved on, or a later
    reminder about the same milestone supersedes this one (a heads-up held over a weekend)."""
    what, _, raw_id = subject.partition(":")
    ident = int(raw_id) if raw_id.isdigit() else 0
    if what == "milestone":
        row = (
            await session.execute(
                select(MilestoneRow.done_at, Pursuit.state, MilestoneRow.due_on)
                .join(WorkPlan, WorkPlan.id == MilestoneRow.plan_id)
                .join(Pursuit, Pursuit.id == WorkPlan.pursuit_id)
                .where(MilestoneRow.id == ident)
            )
        ).first()
        if row is None or row[0] is not None or row[1] not in WORKING:
            return True
        due_on = row[2]
        superseded = (
            kind is NudgeKind.MILESTONE_SOON and today is not None and due_on <= today
        ) or (kind is NudgeKind.MILESTONE_TODAY and today is not None and due_on < today)
        return superseded
    if what == "pursuit":
        pursuit = await session.get(Pursuit, ident)
        if pursuit is None:
            return True
        if kind in (NudgeKind.APPROVAL_WAITING, NudgeKind.APPROVAL_REQUESTED):
            return pursuit.state != State.AWAITING_APPROVAL.value
        if kind is NudgeKind.INACTIVE:
            quiet_since = now - timedelta(days=t.inactive_days)
            return pursuit.state not in WORKING or pursuit.last_activity_at > quiet_since
        return pursuit.state not in BEFORE_SUBMITTING
    if what == "review":
        status = await session.scalar(select(Review.status).where(Review.id == ident))
        return status != ReviewStatus.ASSIGNED
    if kind is NudgeKind.NO_PLAN:
        started = await session.scalar(
            select(Pursuit.id)
            .where(
                Pursuit.teacher_id == person_id,
                Pursuit.state.notin_([State.PROPOSED.value, State.WITHDRAWN.value]),
            )
            .limit(1)
        )
        return started is not None
    return False
