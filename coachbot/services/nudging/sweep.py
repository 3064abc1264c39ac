"""The sweep: turn what is due into outbox rows, each exactly once.

It runs often (APScheduler only ticks; the truth lives in the tables). On PostgreSQL with
several replicas, a transaction-scoped advisory lock lets one sweep run at a time; if its holder
dies the lock goes with its connection and the next tick elsewhere takes over. Rows are inserted
with ON CONFLICT DO NOTHING on their unique key, so even two sweeps at once could not double a
nudge.

What is due is read and stored a chunk at a time (``chunk`` reminders, from the streaming queries
in ``due`` and ``due_staff``), all in the one transaction: a sweep that finds a hundred thousand
reminders at once (a whole state's deadline) holds one chunk, not all of them, and a crash
before the commit still stores nothing.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.nudges import PRIORITY
from coachbot.domain.roles import Role
from coachbot.services.nudging import due, due_staff, review_moves
from coachbot.services.reviews.reviewing import ReviewService
from coachbot.storage.codec import policy_from_json
from coachbot.storage.conflicts import retry_conflicts
from coachbot.storage.database import Database
from coachbot.storage.models import District, NudgeRow, Person, RoleGrantRow

SWEEP_LOCK = 0x436F6163  # "Coac": the advisory lock id every replica agrees on


@dataclass(frozen=True)
class SweepResult:
    found: int
    created: int
    skipped: bool = False  # another replica holds the sweep


class Sweep:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        reviews: ReviewService,
        thresholds: due.Thresholds | None = None,
        *,
        chunk: int = due.CHUNK,
    ) -> None:
        """``reviews`` routes waiting evidence and moves late reviews by the same rules as a
        hand-in (the composition root passes the bot's own); ``chunk`` bounds how many
        reminders are held at once."""
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        self.db = db
        self.clock = clock
        self.reviews = reviews
        self.thresholds = thresholds or due.Thresholds()
        self.chunk = chunk

    @retry_conflicts  # it moves late reviews between reviewers, as a hand-off does
    async def run(self) -> SweepResult:
        now = self.clock.now()
        async with self.db.write() as session:
            if not self.db.is_sqlite:
                got = await session.scalar(
                    text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": SWEEP_LOCK}
                )
                if not got:
                    return SweepResult(0, 0, skipped=True)
            found = created = 0
            for district in list(await session.scalars(select(District))):
                chunks = self._district(session, district, now)
                async with contextlib.aclosing(chunks):
                    async for chunk in chunks:
                        found += len(chunk)
                        created += await self._store(session, district.id, chunk, now)
            return SweepResult(found, created)

    async def _district(
        self, session: AsyncSession, district: District, now: datetime
    ) -> due.Chunks:
        """What is due in ``district``, in chunks, in the same order as ever: the review moves
        first, since what they change (a review moved, evidence routed) is what the queries
        after them read."""
        policy = policy_from_json(district.policy)
        today = now.astimezone(ZoneInfo(district.timezone)).date()
        t, size = self.thresholds, self.chunk
        admins = list(
            await session.scalars(
                select(RoleGrantRow.person_id)
                .join(Person, Person.id == RoleGrantRow.person_id)
                .where(
                    Person.district_id == district.id,
                    RoleGrantRow.role == Role.DISTRICT_ADMIN.value,
                )
            )
        )
        # Review moves write as they go and do at most PER_SWEEP each: one bounded chunk.
        yield await review_moves.route_waiting(session, self.reviews, district.id, now)
        yield await review_moves.reassign_late(session, self.reviews, district.id, policy, now)
        window = policy.submission_window
        closes = window.closes_on if window else None
        approvers = [r.value for r in policy.approver_roles]
        queries = (
            due.milestones(session, district.id, today, now, size),
            due.inactive(session, district.id, now, t, size),
            due.no_plan(session, district.id, now, t, size),
            due.window_closing(session, district.id, today, now, t, closes, size),
            due_staff.reviews(session, district.id, now, t, admins, size),
            due_staff.approvals_waiting(session, district.id, now, t, approvers, size),
            due_staff.weekly_digests(session, district.id, today, now, t, size),
        )
        for query in queries:  # each is closed before the next starts, even on the way out
            async with contextlib.aclosing(query):
                async for chunk in query:
                    yield chunk

    async def _store(
        self, session: AsyncSession, district_id: int, found: list[due.Due], now: datetime
    ) -> int:
        """Insert what is new; the unique key silently skips what an earlier sweep stored.

        Core executemany (not the ORM's bulk path) keeps this proportional to what is due.
        """
        if not found:
            return 0
        insert = sqlite_insert if self.db.is_sqlite else pg_insert
        table = cast("Table", NudgeRow.__table__)  # a mapped class's table is a Table
        statement = (
            insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
        )
        created = 0
        for start in range(0, len(found), self.chunk):
            rows = [self._row(district_id, d, now) for d in found[start : start + self.chunk]]
            result = await session.execute(statement, rows)
            created += len(result.all())
        return created

    @staticmethod
    def _row(district_id: int, d: due.Due, now: datetime) -> dict[str, object]:
        """The columns a new reminder sets. The dispatcher's columns (claim, lease, sent,
        message id, drop reason, error) start NULL, their default, so they are left out: binding
        six NULLs a row was a third of the insert's parameters at 100,000 due."""
        return {
            "key": d.key,
            "district_id": district_id,
            "person_id": d.person_id,
            "kind": d.kind.value,
            "subject": d.subject,
            "priority": PRIORITY[d.kind],
            "due_at": d.due_at,
            "deliver_at": d.due_at,
            "status": "pending",
            "attempts": 0,
            "params": d.params,
            "created_at": now,
        }
