"""The sweep: turn what is due into outbox rows, each exactly once.

It runs often (APScheduler only ticks; the truth lives in the tables). On PostgreSQL with
several replicas, a transaction-scoped advisory lock lets one sweep run at a time; if its holder
dies the lock goes with its connection and the next tick elsewhere takes over. Rows are inserted
with ON CONFLICT DO NOTHING on their unique key, so even two sweeps at once could not double a
nudge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.nudges import PRIORITY
from coachbot.domain.roles import Role
from coachbot.services.journey.gate import JourneyService
from coachbot.services.nudging import due, review_moves
from coachbot.services.reviews.reviewing import ReviewService
from coachbot.storage.codec import policy_from_json
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
        self, db: Database, clock: Clock, thresholds: due.Thresholds | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.thresholds = thresholds or due.Thresholds()
        # Routing waiting evidence and moving late reviews follow the same rules as a hand-in.
        self.reviews = ReviewService(db, clock, JourneyService(db, clock))

    async def run(self) -> SweepResult:
        now = self.clock.now()
        async with self.db.write() as session:
            if not self.db.is_sqlite:
                got = await session.scalar(
                    text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": SWEEP_LOCK}
                )
                if not got:
                    return SweepResult(0, 0, skipped=True)
            found: list[tuple[int, due.Due]] = []
            for district in await session.scalars(select(District)):
                found += [(district.id, d) for d in await self._district(session, district, now)]
            created = await self._store(session, found, now)
            return SweepResult(len(found), created)

    async def _district(
        self, session: AsyncSession, district: District, now: datetime
    ) -> list[due.Due]:
        policy = policy_from_json(district.policy)
        today = now.astimezone(ZoneInfo(district.timezone)).date()
        t = self.thresholds
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
        window = policy.submission_window
        return [
            *await review_moves.route_waiting(session, self.reviews, district.id, now),
            *await review_moves.reassign_late(session, self.reviews, district.id, policy, now),
            *await due.milestones(session, district.id, today, now),
            *await due.inactive(session, district.id, now, t),
            *await due.no_plan(session, district.id, now, t),
            *await due.window_closing(
                session, district.id, today, now, t, window.closes_on if window else None
            ),
            *await due.reviews(session, district.id, now, t, admins),
            *await due.approvals_waiting(
                session, district.id, now, t, [r.value for r in policy.approver_roles]
            ),
            *await due.weekly_digests(session, district.id, today, now, t),
        ]

    async def _store(
        self, session: AsyncSession, found: list[tuple[int, due.Due]], now: datetime
    ) -> int:
        """Insert what is new; the unique key silently skips what an earlier sweep stored.

        Core executemany (not the ORM's bulk path) keeps this proportional to what is due.
        """
        if not found:
            return 0
        insert = sqlite_insert if self.db.is_sqlite else pg_insert
        table = NudgeRow.__table__
        statement = (
            insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
        )
        created = 0
        # Rows are built one chunk at a time: a sweep that finds a hundred thousand reminders
        # at once (a whole district's deadline) holds one chunk of row dicts, not all of them.
        for start in range(0, len(found), 2000):
            rows = [self._row(district_id, d, now) for district_id, d in found[start:start + 2000]]
            result = await session.execute(statement, rows)
            created += len(result.all())
        return created

    @staticmethod
    def _row(district_id: int, d: due.Due, now: datetime) -> dict[str, object]:
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
            "claimed_by": None,
            "lease_until": None,
            "sent_at": None,
            "platform_message_id": None,
            "dropped_reason": None,
            "last_error": None,
            "params": d.params,
            "created_at": now,
        }
