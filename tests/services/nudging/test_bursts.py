"""A platform answering bursts of 429 and 503: every message is still delivered exactly once,
and slowing down is never counted as a failure."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.outgoing import DeliveryFailed, Outgoing, RateLimited
from coachbot.storage.models import NudgeRow
from tests.helpers import queue_news

MORNING = datetime(2026, 9, 15, 15, 0, tzinfo=UTC)


async def test_bursts_of_429_and_503_deliver_everything_once(district: Services) -> None:
    district.clock.set(MORNING)
    await queue_news(district, 60, prefix="m")
    rng = random.Random(3)
    delivered: Counter[str] = Counter()
    calls = 0

    async def stormy(nudge: Outgoing) -> str:
        nonlocal calls
        calls += 1
        phase = (calls // 7) % 3  # bursts: seven calls rate limited, seven down, seven fine
        if phase == 0:
            raise RateLimited(rng.choice((1, 5, 30)))
        if phase == 1:
            raise DeliveryFailed("503 Service Unavailable")
        delivered[nudge.key] += 1
        return f"ok-{calls}"

    dispatcher = Dispatcher(district.db, district.clock, stormy, max_attempts=20, rng=rng)
    for _ in range(400):
        await dispatcher.run_once(limit=10)
        async with district.db.read() as session:
            waiting = list(
                await session.scalars(
                    select(NudgeRow.deliver_at).where(NudgeRow.status == "pending")
                )
            )
        if not waiting:
            break
        district.clock.set(max(district.clock.now(), min(waiting)) + timedelta(seconds=1))
    assert len(delivered) == 60
    assert set(delivered.values()) == {1}
    async with district.db.read() as session:
        rows = list(await session.scalars(select(NudgeRow)))
    assert {row.status for row in rows} == {"sent"}
    assert max(row.attempts for row in rows) < 20  # 429s never used up attempts
