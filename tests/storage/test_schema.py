"""The schema: migrations match the models, go up and down, and the SQLite settings hold."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import make_url, select, text

from coachbot.composition import Services
from coachbot.storage.database import Database
from coachbot.storage.models import Base, District
from coachbot.storage.schema import current_revision, downgrade, head_revision, upgrade
from tests.conftest import _asyncpg_dsn


async def test_migrations_create_exactly_what_the_models_describe(services: Services) -> None:
    def diff(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with services.db.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []
    assert await current_revision(services.db) == head_revision()


async def test_init_is_safe_to_run_again(services: Services) -> None:
    await upgrade(services.db)
    await upgrade(services.db)
    assert await current_revision(services.db) == head_revision()


async def test_migrations_go_down_and_up_again(tmp_path: Any) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'updown.db'}")
    try:
        await upgrade(db)
        await downgrade(db, "base")
        assert await current_revision(db) is None
        await upgrade(db)
        assert await current_revision(db) == head_revision()
    finally:
        await db.dispose()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Any) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'wal.db'}")
    try:
        await upgrade(db)
        async with db.read() as session:
            mode = await session.scalar(text("PRAGMA journal_mode"))
            keys = await session.scalar(text("PRAGMA foreign_keys"))
        assert (mode, keys) == ("wal", 1)
    finally:
        await db.dispose()


async def test_times_come_back_aware_in_utc(district: Services) -> None:
    async with district.db.read() as session:
        created = await session.scalar(select(District.created_at))
    assert created is not None
    assert created.utcoffset() is not None
    assert created == district.clock.now()


async def test_replicas_starting_together_on_postgres_migrate_once(
    postgres_url: str | None,
) -> None:
    """Two replicas run `coachbot init` at the same moment on an empty database: both start,
    the schema is built once (without the advisory lock the second trips over the first's
    tables)."""
    if postgres_url is None:
        pytest.skip("PostgreSQL not configured: set COACHBOT_TEST_POSTGRES_URL")
    name = f"coachbot_race_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_asyncpg_dsn(postgres_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
        replicas = [Database(url), Database(url)]
        try:
            await asyncio.gather(*(upgrade(db) for db in replicas))
            assert [await current_revision(db) for db in replicas] == [head_revision()] * 2
        finally:
            for db in replicas:
                await db.dispose()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
