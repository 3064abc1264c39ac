"""Two reviewers handing work to each other at the same moment update both reviewers' open-review
counts in crossing order; PostgreSQL breaks the deadlock by aborting one, and the aborted unit
runs again, so both changes land (PostgreSQL only: SQLite's writers take turns)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from coachbot.composition import Services
from coachbot.storage.conflicts import retry_conflicts
from tests.helpers import FAY, GIL, actor

BUMP = text("UPDATE reviewer_loads SET open_reviews = open_reviews + 1 WHERE person_id = :p")


async def _people(district: Services) -> tuple[int, int]:
    fay, gil = (await actor(district, FAY)).person_id, (await actor(district, GIL)).person_id
    assert fay is not None and gil is not None
    async with district.db.write() as session:
        for person in (fay, gil):
            await session.execute(
                text("INSERT INTO reviewer_loads (person_id, open_reviews) VALUES (:p, 0)"),
                {"p": person},
            )
    return fay, gil


async def test_crossing_updates_both_land_after_postgres_breaks_the_deadlock(
    district: Services, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite's writers take turns: no deadlock to break")
    fay, gil = await _people(district)
    holding = {fay: asyncio.Event(), gil: asyncio.Event()}
    attempts: list[int] = []

    @retry_conflicts
    async def hand_over(mine: int, theirs: int) -> None:
        attempts.append(mine)
        async with district.db.write() as session:
            await session.execute(BUMP, {"p": mine})
            holding[mine].set()
            await holding[theirs].wait()  # both hold their own row: a deadlock, forced
            await session.execute(BUMP, {"p": theirs})

    await asyncio.wait_for(asyncio.gather(hand_over(fay, gil), hand_over(gil, fay)), 60)
    async with district.db.read() as session:
        loads = dict((await session.execute(text("SELECT person_id, open_reviews FROM reviewer_loads"))).all())  # noqa: E501
    assert loads == {fay: 2, gil: 2}  # each unit's two updates, exactly once
    # at least one was the deadlock's victim and ran again (a loaded server may pick a victim
    # twice); the loads above say each unit still landed exactly once
    assert len(attempts) >= 3


async def test_other_database_errors_are_not_run_again(district: Services) -> None:
    fay, _ = await _people(district)
    attempts: list[int] = []

    @retry_conflicts
    async def twice() -> None:
        attempts.append(1)
        async with district.db.write() as session:
            await session.execute(
                text("INSERT INTO reviewer_loads (person_id, open_reviews) VALUES (:p, 0)"),
                {"p": fay},
            )

    with pytest.raises(IntegrityError):
        await twice()
    assert attempts == [1]
