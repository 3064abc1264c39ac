"""The database handle: one way to read, one way to write, the same on SQLite and PostgreSQL.

SQLite (the embedded default) allows one writer at a time. A deferred transaction that reads and
then writes can fail with SQLITE_BUSY if another connection committed in between, and no busy
timeout helps with that. So every write transaction here starts with ``BEGIN IMMEDIATE`` (it takes
the write lock before reading) and, within one process, writers queue on an asyncio lock instead
of spinning on the file lock. Across processes (a CLI import while the bot runs) the busy timeout
makes the second writer wait its turn.

PostgreSQL needs none of that: rows are locked with ``SELECT ... FOR UPDATE`` where two people can
act on the same thing, and the pool allows many concurrent writers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _configure_sqlite(engine: AsyncEngine, *, begin: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so that we choose how BEGIN is spelled.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)


class Database:
    """Owns the engines. Services get a ``Database`` and open ``read()`` or ``write()`` units."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect not in {"sqlite", "postgresql"}:
            raise ValueError(f"unsupported database '{self.dialect}': use sqlite or postgresql")
        self.is_sqlite = self.dialect == "sqlite"
        if self.is_sqlite:
            if parsed.database in (None, "", ":memory:"):
                raise ValueError("SQLite needs a file path, e.g. sqlite+aiosqlite:///coachbot.db")
            self._write_engine = create_async_engine(url, echo=echo)
            self._read_engine = create_async_engine(url, echo=echo)
            _configure_sqlite(self._write_engine, begin="BEGIN IMMEDIATE")
            _configure_sqlite(self._read_engine, begin="BEGIN")
        else:
            self._write_engine = create_async_engine(
                url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
            self._read_engine = self._write_engine
        self._writes = async_sessionmaker(self._write_engine, expire_on_commit=False)
        self._reads = async_sessionmaker(self._read_engine, expire_on_commit=False)
        self._sqlite_writer = asyncio.Lock() if self.is_sqlite else None

    @property
    def engine(self) -> AsyncEngine:
        """The engine that may write (migrations, bulk loads)."""
        return self._write_engine

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: committed if the block finishes, rolled back whole if it raises."""
        lock = self._sqlite_writer or contextlib.nullcontext()
        async with lock, self._writes() as session, session.begin():
            yield session

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit; on SQLite it never blocks writers (WAL) nor waits for them."""
        # Closing the session ends its transaction; objects read stay usable, detached.
        async with self._reads() as session:
            yield session

    async def analyze(self, *tables: str) -> None:
        """Refresh the query planner's statistics after a bulk load (both databases have one)."""
        async with self.write() as session:
            for table in tables:
                if not table.isidentifier():
                    raise ValueError(f"not a table name: {table!r}")
                await session.execute(text(f"ANALYZE {table}"))

    async def dispose(self) -> None:
        await self._write_engine.dispose()
        if self._read_engine is not self._write_engine:
            await self._read_engine.dispose()
