"""One effect per request, however often it arrives (a double click, a platform retry).

The key is claimed first thing in the write transaction with INSERT ... ON CONFLICT DO NOTHING.
On PostgreSQL a concurrent duplicate blocks on the unique index until the first transaction ends,
then finds the key taken and replays the stored outcome; on SQLite writers are serialised anyway.
If the first transaction rolls back, the key goes with it and a retry runs afresh.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.storage.database import Database
from coachbot.storage.models import IdempotencyKey

_PENDING: dict[str, Any] = {"pending": True}


async def claim(session: AsyncSession, key: str, at: datetime) -> dict[str, Any] | None:
    """Claim ``key``: None if this request is the first, else the first one's stored outcome."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = insert(IdempotencyKey).values(key=key, created_at=at, outcome=_PENDING)
    result = await session.execute(statement.on_conflict_do_nothing(index_elements=["key"]))
    if cast("CursorResult[Any]", result).rowcount == 1:
        return None
    stored = await session.scalar(select(IdempotencyKey.outcome).where(IdempotencyKey.key == key))
    return stored or {}


async def settle(session: AsyncSession, key: str, outcome: dict[str, Any]) -> None:
    await session.execute(
        update(IdempotencyKey).where(IdempotencyKey.key == key).values(outcome=outcome)
    )


async def once(
    db: Database,
    at: datetime,
    key: str | None,
    work: Callable[[AsyncSession], Awaitable[dict[str, Any]]],
    *,
    scope: str,
) -> tuple[dict[str, Any], bool]:
    """Run ``work(session) -> outcome`` in one write unit, at most once per ``key``.

    Returns ``(outcome, replayed)``. Without a key the work simply runs once. ``scope`` names
    the operation, so a key reused by a different operation can never replay the wrong outcome.
    """
    key = f"{scope}|{key}" if key else None
    async with db.write() as session:
        if key:
            stored = await claim(session, key, at)
            if stored is not None:
                return stored, True
        outcome = await work(session)
        if key:
            await settle(session, key, outcome)
        return outcome, False


async def prune(db: Database, before: datetime) -> int:
    """Forget keys claimed before ``before``; returns how many.

    Platforms retry within minutes and stale buttons are recognised by the version they carry,
    so an old key protects nothing; without pruning the table only grows. Runs once a day, so a
    plain range delete is cheap enough without an index of its own.
    """
    async with db.write() as session:
        result = await session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < before)
        )
        return cast("CursorResult[Any]", result).rowcount or 0
