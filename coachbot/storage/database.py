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
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_MS = 30_000
Done = TypeVar("Done")


def _configure_sqlite(engine: AsyncEngine | Engine, *, begin: str) -> None:
    sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine

    @event.listens_for(sync, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so that we choose how BEGIN is spelled.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync, "begin")
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
        # ``write_at_once`` on SQLite: a plain sqlite3 connection on one thread of its own,
        # made when first used (most processes never need it).
        self._at_once: tuple[Engine, ThreadPoolExecutor] | None = None
        # ``write_at_once`` on PostgreSQL: one connection kept for it (made when first used).
        self._kept: AsyncConnection | None = None
        self._postgresql_turns = asyncio.Lock()

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

    async def write_at_once(self, work: Callable[[Connection], Done]) -> Done:
        """A unit of work given as ONE synchronous function of a Core connection: committed if
        it returns, rolled back whole if it raises, like ``write()``.

        For the hottest small writes (every evidence open): through aiosqlite every statement,
        cursor and commit is a hop to its thread and back, about a dozen for a read and an
        insert, each waiting for the loop (and the GIL) while the listener is busy. Here, on
        SQLite, the whole transaction (``BEGIN IMMEDIATE`` first, as every writer) runs in one
        hop on a writer thread of its own, queued behind this process's other writers on the
        same lock. On PostgreSQL it runs on one connection kept for it, each statement one round
        trip (asyncpg has no thread to hop to), without the pool's pre-ping. ``work`` must only
        use the database: it may run on another thread."""
        if self._sqlite_writer is None:
            return await self._at_once_on_postgresql(work)
        if self._at_once is None:
            plain = make_url(self.url).set(drivername="sqlite")  # the same file, stdlib sqlite3
            engine = create_engine(
                plain, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
            _configure_sqlite(engine, begin="BEGIN IMMEDIATE")
            self._at_once = engine, ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")
        engine, thread = self._at_once

        def unit() -> Done:
            with engine.begin() as connection:
                return work(connection)

        async with self._sqlite_writer:
            return await asyncio.get_running_loop().run_in_executor(thread, unit)

    async def _at_once_on_postgresql(self, work: Callable[[Connection], Done]) -> Done:
        """``write_at_once`` on PostgreSQL: on one connection kept for it, units taking turns.

        A pooled connection costs three round trips before the first statement (the pool's
        pre-ping: BEGIN, a ping, ROLLBACK) and the pool's bookkeeping, each waiting for a loop
        busy serving files; the kept one costs BEGIN and COMMIT only. It is dropped after any
        error and made again for the next unit; a unit that finds it lost (the server
        restarted, an idle connection cut) is run again once on a fresh one, as the pool's
        pre-ping would have spared it."""
        async with self._postgresql_turns:
            for last_try in (False, True):
                connection = self._kept or await self._write_engine.connect()
                self._kept = connection
                try:
                    async with connection.begin():
                        return await connection.run_sync(work)
                except DBAPIError as error:
                    await self._drop_kept()
                    if last_try or not error.connection_invalidated:
                        raise
                except BaseException:
                    await self._drop_kept()
                    raise
        raise AssertionError("unreachable: the last try returns or raises")

    async def _drop_kept(self) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            with contextlib.suppress(Exception):  # it may be the very thing that failed
                await kept.invalidate()

    async def analyze(self, *tables: str) -> None:
        """Refresh the query planner's statistics after a bulk load (both databases have one)."""
        async with self.write() as session:
            for table in tables:
                if not table.isidentifier():
                    raise ValueError(f"not a table name: {table!r}")
                await session.execute(text(f"ANALYZE {table}"))

    async def dispose(self) -> None:
        if self._kept is not None:
            kept, self._kept = self._kept, None
            await kept.close()  # back to the pool, which is disposed below
        if self._at_once is not None:
            engine, thread = self._at_once
            self._at_once = None
            await asyncio.get_running_loop().run_in_executor(thread, engine.dispose)
            thread.shutdown()
        await self._write_engine.dispose()
        if self._read_engine is not self._write_engine:
            await self._read_engine.dispose()
