"""Several dispatchers on one database: every message goes out exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import insert, select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build
from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.outgoing import Outgoing
from coachbot.services.nudging.sweep import Sweep
from coachbot.settings import Settings
from coachbot.storage.models import NudgeRow, Person
from tests.helpers import ANA

WEEKDAY_MORNING = datetime(2026, 9, 15, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in Chicago


async def _queue_news(services: Services, count: int) -> None:
    async with services.db.write() as session:
        person = await session.scalar(select(Person).where(Person.email == ANA))
        assert person is not None
        await session.execute(
            insert(NudgeRow),
            [
                {
                    "key": f"news-{i}",
                    "district_id": person.district_id,
                    "person_id": person.id,
                    "kind": "feedback_ready",
                    "subject": f"news:{i}",
                    "priority": 100,
                    "due_at": WEEKDAY_MORNING,
                    "deliver_at": WEEKDAY_MORNING,
                    "status": "pending",
                    "attempts": 0,
                    "params": {"credential": "Questioning"},
                    "created_at": WEEKDAY_MORNING,
                }
                for i in range(count)
            ],
        )


async def test_two_dispatchers_never_send_the_same_message_twice(district: Services) -> None:
    district.clock.set(WEEKDAY_MORNING)
    await _queue_news(district, 120)
    sent: Counter[str] = Counter()

    async def platform(nudge: Outgoing) -> str:
        sent[nudge.key] += 1
        await asyncio.sleep(0)  # let the other dispatcher run in between
        return f"m-{nudge.key}"

    other = build(Settings(database_url=district.db.url, _env_file=None), district.clock)
    try:
        first = Dispatcher(district.db, district.clock, platform, worker="one")
        second = Dispatcher(other.db, other.clock, platform, worker="two")
        for _ in range(8):
            await asyncio.gather(first.run_once(limit=10), second.run_once(limit=10))
    finally:
        await other.aclose()
    assert len(sent) == 120
    assert set(sent.values()) == {1}
    async with district.db.read() as session:
        statuses = Counter(await session.scalars(select(NudgeRow.status)))
    assert statuses == {"sent": 120}


async def test_sweeps_in_two_replicas_create_each_nudge_once(district: Services) -> None:
    ana = LocalDriver(district).as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    district.clock.set(datetime(2026, 9, 22, 15, 0, tzinfo=UTC))  # two weeks of quiet
    other = build(Settings(database_url=district.db.url, _env_file=None), district.clock)
    try:
        results = await asyncio.gather(
            Sweep(district.db, district.clock, district.reviews).run(),
            Sweep(other.db, other.clock, other.reviews).run(),
        )
    finally:
        await other.aclose()
    async with district.db.read() as session:
        keys = list(await session.scalars(select(NudgeRow.key)))
    assert len(keys) == len(set(keys)) >= 1
    assert sum(r.created for r in results) == len(keys)
