"""`coachbot nudges` shows what was sent, dropped and why; dead letters can be retried."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select
from typer.testing import CliRunner

from coachbot.cli.main import app
from coachbot.storage.database import Database
from coachbot.storage.models import NudgeRow, Person

FIXTURES = Path(__file__).parent.parent / "fixtures"
ANA = "ana@testville.example"
WHEN = datetime(2026, 9, 15, 15, 0, tzinfo=UTC)


async def _outbox(url: str) -> None:
    db = Database(url)
    try:
        async with db.write() as session:
            person = await session.scalar(select(Person).where(Person.email == ANA))
            assert person is not None
            base = {
                "district_id": person.district_id,
                "person_id": person.id,
                "priority": 60,
                "due_at": WHEN,
                "deliver_at": WHEN,
                "attempts": 0,
                "params": {},
                "created_at": WHEN,
            }
            await session.execute(
                insert(NudgeRow),
                [
                    base
                    | {
                        "key": "a",
                        "kind": "milestone_soon",
                        "subject": "milestone:1",
                        "status": "sent",
                        "sent_at": WHEN,
                    },
                    base
                    | {
                        "key": "b",
                        "kind": "inactive",
                        "subject": "pursuit:1",
                        "status": "dropped",
                        "dropped_reason": "weekly_cap",
                    },
                    base
                    | {
                        "key": "c",
                        "kind": "milestone_today",
                        "subject": "milestone:2",
                        "status": "dead",
                        "last_error": "503 Service Unavailable",
                        "attempts": 6,
                    },
                ],
            )
    finally:
        await db.dispose()


async def _row(url: str, key: str) -> NudgeRow | None:
    db = Database(url)
    try:
        async with db.read() as session:
            return await session.scalar(select(NudgeRow).where(NudgeRow.key == key))
    finally:
        await db.dispose()


def test_the_outbox_as_an_admin_sees_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'n.db'}"
    env = {"COACHBOT_DATABASE_URL": url, "COACHBOT_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    runner.invoke(app, ["init"], env=env)
    assert "No nudges yet" in runner.invoke(app, ["nudges"], env=env).output
    runner.invoke(app, ["import", "catalog", str(FIXTURES / "small_catalog.yaml")], env=env)
    runner.invoke(app, ["import", "roster", str(FIXTURES / "small_roster.csv")], env=env)
    asyncio.run(_outbox(url))
    out = runner.invoke(app, ["nudges", "--person", ANA], env=env).output
    assert "weekly cap" in out
    assert "503 Service Unavailable" in out
    assert " sent " in out
    assert "2026-09-15 10:00 CDT" in out  # in Ana's own time (Chicago), not UTC
    assert "milestone coming up" in out and "quiet check-in" in out  # kinds in words
    assert "milestone_soon" not in out and "inactive" not in out
    dead_only = runner.invoke(app, ["nudges", "--dead"], env=env).output
    assert "milestone due today" in dead_only
    assert "undelivered" in dead_only
    assert "quiet check-in" not in dead_only
    retried = runner.invoke(app, ["nudges", "--retry-dead"], env=env).output
    assert "1 dead-lettered message will be sent again" in retried
    row = asyncio.run(_row(url, "c"))
    assert row is not None
    assert (row.status, row.attempts) == ("pending", 0)
    none_dead = runner.invoke(app, ["nudges", "--dead"], env=env).output
    assert "No nudges yet" not in none_dead  # there are nudges, just none undelivered
    assert "No undelivered messages" in none_dead
    assert "No nudges for ben@testville.example yet" in runner.invoke(
        app, ["nudges", "--person", "ben@testville.example"], env=env).output
