"""Read models of pursuits: finding one, its plan and window, whose it is."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from coachbot.domain.catalog import code_key
from coachbot.domain.errors import NotFound
from coachbot.domain.journey import OPEN_STATES
from coachbot.domain.policy import Window
from coachbot.services.journey.planning import window_for
from coachbot.services.reading.shapes import (
    PursuitSummary,
    pursuit_summaries,
)
from coachbot.storage.database import Database
from coachbot.storage.models import (
    MilestoneRow,
    Pursuit,
    WorkPlan,
)


class JourneyReads:
    """Read models of pursuits: finding one, its plan and window, whose it is."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def pursuit_by_code(
        self, teacher_id: int, code: str | None, *, earned_too: bool = False
    ) -> PursuitSummary | None:
        """The teacher's open pursuit of ``code``; without a code, their most recent open one.
        ``earned_too``: an earned one counts (its files stay theirs to open)."""
        states = [s.value for s in OPEN_STATES] + (["earned"] if earned_too else [])
        async with self.db.read() as session:
            query = (
                pursuit_summaries()
                .where(Pursuit.teacher_id == teacher_id, Pursuit.state.in_(states))
                .order_by(Pursuit.updated_at.desc())
            )
            if not code:
                row = (await session.execute(query.limit(1))).first()
                return PursuitSummary(*row) if row else None
            # "pa2" for PA-02: the same code, typed as people do.
            found = [PursuitSummary(*r) for r in await session.execute(query)]
            return next((s for s in found if code_key(s.code) == code_key(code)), None)

    async def pursuit(self, pursuit_id: int) -> PursuitSummary:
        async with self.db.read() as session:
            query = pursuit_summaries().where(Pursuit.id == pursuit_id)
            row = (await session.execute(query)).first()
            if row is None:
                raise NotFound(what="pursuit", key=str(pursuit_id))
            return PursuitSummary(*row)

    async def plan(self, pursuit_id: int) -> tuple[date | None, list[tuple[int, str, date, bool]]]:
        """(deadline, [(milestone id, title, due, done)]) of a pursuit's plan."""
        async with self.db.read() as session:
            plan = await session.scalar(select(WorkPlan).where(WorkPlan.pursuit_id == pursuit_id))
            if plan is None:
                return None, []
            rows = await session.execute(
                select(
                    MilestoneRow.id, MilestoneRow.title, MilestoneRow.due_on, MilestoneRow.done_at
                )
                .where(MilestoneRow.plan_id == plan.id)
                .order_by(MilestoneRow.position)
            )
            return plan.deadline, [
                (mid, title, due, done is not None) for mid, title, due, done in rows.all()
            ]

    async def window(self, pursuit_id: int) -> Window | None:
        async with self.db.read() as session:
            pursuit = await session.get(Pursuit, pursuit_id)
            if pursuit is None:
                raise NotFound(what="pursuit", key=str(pursuit_id))
            return await window_for(session, pursuit)

    async def teacher_of(self, pursuit_id: int) -> int:
        async with self.db.read() as session:
            teacher = await session.scalar(
                select(Pursuit.teacher_id).where(Pursuit.id == pursuit_id)
            )
            if teacher is None:
                raise NotFound(what="pursuit", key=str(pursuit_id))
            return teacher
