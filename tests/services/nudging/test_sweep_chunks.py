"""The sweep reads and stores what is due a chunk at a time: with more due than one chunk it
creates each reminder exactly once, the same reminders a sweep in one chunk creates, and a second
sweep creates none."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.composition import Services
from coachbot.services.nudging.due import Due
from coachbot.services.nudging.sweep import Sweep
from coachbot.storage.models import NudgeRow
from tests.conftest import START
from tests.helpers import ANA, BEN, CARA, FAY, GIL, planned, under_review


class ChunkSizes(Sweep):
    """The real sweep, noting how many reminders each chunk it stores holds."""

    sizes: list[int]

    async def _store(
        self, session: AsyncSession, district_id: int, found: list[Due], now: datetime
    ) -> int:
        self.sizes = [*getattr(self, "sizes", []), len(found)]
        return await super()._store(session, district_id, found, now)


async def outbox(services: Services) -> list[tuple[object, ...]]:
    async with services.db.read() as session:
        rows = await session.scalars(select(NudgeRow).order_by(NudgeRow.key))
        return [
            (r.key, r.person_id, r.kind, r.subject, r.priority, r.params, r.due_at, r.status)
            for r in rows
        ]


async def test_more_due_than_one_chunk_is_created_once_and_the_same(district: Services) -> None:
    services = district
    for teacher in (ANA, BEN, CARA):
        for code in ("C-ONE", "C-TWO"):
            await planned(services, teacher, code)
    await under_review(services, GIL, FAY)  # due in ten days
    services.clock.set(START + timedelta(days=13))  # six plans quiet; the review late and escalated

    sweep = ChunkSizes(services.db, services.clock, services.reviews, chunk=3)
    first = await sweep.run()
    created = await outbox(services)
    assert Counter(kind for _, _, kind, *_ in created) == {
        "inactive": 6,
        "review_late": 1,
        "review_escalation": 1,
    }
    assert (first.found, first.created) == (8, 8)
    stored = [size for size in sweep.sizes if size]
    assert len(stored) > 1 and max(stored) <= 3  # never more than one chunk held at once

    again = await sweep.run()
    assert (again.found, again.created) == (8, 0)  # found again, created once
    assert await outbox(services) == created

    # The same reminders, to the last param, as one sweep holding everything in one chunk.
    async with services.db.write() as session:
        await session.execute(delete(NudgeRow))
    whole = await Sweep(services.db, services.clock, services.reviews).run()
    assert (whole.found, whole.created) == (8, 8)
    assert await outbox(services) == created
