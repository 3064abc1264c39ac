"""Fixtures: real databases (a SQLite file per test, and PostgreSQL when configured), a virtual
clock, and CoachBot built through the real composition root.

PostgreSQL runs when COACHBOT_TEST_POSTGRES_URL names a server (``.ci/run`` sets it); each test run
gets its own database, created here and dropped at the end, so runs never see each other's rows.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from coachbot.clock import VirtualClock
from coachbot.composition import Services, build
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.settings import Settings
from coachbot.storage.database import Database
from coachbot.storage.models import Base
from coachbot.storage.schema import upgrade

# Properties are checked for what they say, never for how fast: a 2-core machine shared with a
# test suite's other processes makes hypothesis's per-example deadline fail at random.
hypothesis_settings.register_profile("coachbot", deadline=None)
hypothesis_settings.load_profile("coachbot")

FIXTURES = Path(__file__).parent / "fixtures"
PG_ENV = "COACHBOT_TEST_POSTGRES_URL"
START = datetime(2026, 9, 8, 14, 0, tzinfo=UTC)  # a Tuesday, 09:00 in Chicago


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    """A test that starts serving settles the heap as a server does (coachbot.platform.heap:
    start-up frozen out of full collections); the next test starts with nothing frozen."""
    yield
    gc.unfreeze()


def _pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def make() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await upgrade(db)
        await db.dispose()  # the last connection to close checkpoints the WAL into the file

    asyncio.run(make())
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    base = _pg_base_url()
    if base is None:
        yield None
        return
    name = f"coachbot_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    dsn = _asyncpg_dsn(base)

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)

    async def migrate() -> None:
        db = Database(url)
        await upgrade(db)
        await db.dispose()

    asyncio.run(migrate())
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", ["sqlite", "postgres"])


@pytest.fixture
def db_url(
    backend: str, tmp_path: Path, sqlite_template: Path, postgres_url: str | None
) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / "coachbot.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    if postgres_url is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV}")

    yield postgres_url


@pytest.fixture
async def clean_postgres(backend: str, db_url: str) -> None:
    """Empty every table before a PostgreSQL test (SQLite tests get a fresh file instead)."""
    if backend != "postgres":
        return
    db = Database(db_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await db.dispose()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START)


@pytest.fixture
async def services(
    db_url: str, clean_postgres: None, clock: VirtualClock, tmp_path: Path
) -> AsyncIterator[Services]:
    settings = Settings(database_url=db_url, evidence_dir=tmp_path / "evidence", _env_file=None)
    built = build(settings, clock)
    yield built
    await built.aclose()


@pytest.fixture
async def district(services: Services) -> Services:
    """The small test district, imported through the real loaders."""
    spec = read_catalog(FIXTURES / "small_catalog.yaml")
    await services.catalog.load(spec)
    rows = read_roster(FIXTURES / "small_roster.csv", {s.code for s in spec.schools})
    await services.roster.load(spec.slug, rows)
    return services


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _pg_base_url() is None:
        terminalreporter.write_line(
            f"NOTE: the PostgreSQL half of the suite did NOT run. Set {PG_ENV}="
            "postgresql+asyncpg://postgres@127.0.0.1:5432/test to run it.",
            yellow=True,
            bold=True,
        )
