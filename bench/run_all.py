"""`make bench`: build a state-size district on SQLite and PostgreSQL and report the figures.

    python -m bench.run_all [--teachers 50000] [--pursuits 200000] [--cohorts 100] [--runs 3]
                            [--sqlite-only]

Each measurement is repeated ``--runs`` times on a fresh database and the median is reported,
since a shared 2-core machine is noisy. Results are also written to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bench.generate import load_catalog, load_journeys, write_roster
from bench.measure import import_roster, query_latencies
from coachbot.clock import VirtualClock
from coachbot.composition import build
from coachbot.settings import Settings
from coachbot.storage.models import Base
from coachbot.storage.schema import upgrade

TARGETS = {"import_rows_per_s": (">=", 5000.0), "status_p99_ms": ("<", 20.0),
           "cohort_p99_ms": ("<", 200.0)}
RESULTS = Path(__file__).with_name("results")
NOW = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)


async def one_run(url: str, args: argparse.Namespace, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    services = build(Settings(database_url=url, log_level="WARNING", _env_file=None),
                VirtualClock(NOW))
    try:
        await upgrade(services.db)
        schools = await load_catalog(services, 40)
        with tempfile.TemporaryDirectory() as folder:
            roster = Path(folder) / "roster.csv"
            write_roster(roster, args.teachers, max(1, args.teachers // 25), schools, rng)
            imported = await import_roster(url, roster, schools)
        started = time.perf_counter()
        counts = await load_journeys(services, args.pursuits, args.cohorts, rng)
        # What autovacuum does after a real semester of writes; bulk setup skips it.
        await services.db.analyze(*(table.name for table in Base.metadata.sorted_tables))
        setup = time.perf_counter() - started
        queries = await query_latencies(services, rng, now=NOW)
        return {"import": imported, "rows": counts, "setup_s": setup, "queries": queries}
    finally:
        await services.aclose()


async def fresh_postgres(base: str, name: str) -> str:
    dsn = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


async def drop_postgres(base: str, name: str) -> None:
    dsn = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def runs_on_each_database(
    prefix: str,
    runs: int,
    sqlite_only: bool,
    one_run: Callable[[str, int], Awaitable[Any]],
) -> AsyncIterator[tuple[str, list[Any]]]:
    """``one_run(url, run)`` on ``runs`` fresh databases, SQLite first, then PostgreSQL when
    COACHBOT_BENCH_POSTGRES_URL or COACHBOT_TEST_POSTGRES_URL names a server; yields each
    backend's results as soon as it is done, and says plainly when PostgreSQL was not measured."""
    with tempfile.TemporaryDirectory() as folder:
        yield "sqlite", [
            await one_run(f"sqlite+aiosqlite:///{Path(folder) / f'{prefix}-{run}.db'}", run)
            for run in range(runs)
        ]
    base = os.environ.get("COACHBOT_BENCH_POSTGRES_URL") or os.environ.get(
        "COACHBOT_TEST_POSTGRES_URL")
    if sqlite_only:
        return
    if not base:
        print("\nPostgreSQL not measured: set COACHBOT_TEST_POSTGRES_URL to include it.")
        return
    results = []
    for run in range(runs):
        name = f"coachbot_bench_{prefix}_{os.getpid()}"
        url = await fresh_postgres(base, name)
        try:
            results.append(await one_run(url, run))
        finally:
            await drop_postgres(base, name)
    yield "postgresql", results


def summarise(runs: list[dict[str, Any]]) -> dict[str, float]:
    def med(pick: Any) -> float:
        return statistics.median(pick(run) for run in runs)

    return {
        "import_rows_per_s": med(lambda r: r["import"]["rows_per_s"]),
        "import_peak_rss_mib": med(lambda r: r["import"]["peak_rss_mib"]),
        "status_median_ms": med(lambda r: r["queries"]["status_of_one_teacher"]["median_ms"]),
        "status_p99_ms": med(lambda r: r["queries"]["status_of_one_teacher"]["p99_ms"]),
        "cohort_median_ms": med(lambda r: r["queries"]["progress_of_one_cohort"]["median_ms"]),
        "cohort_p99_ms": med(lambda r: r["queries"]["progress_of_one_cohort"]["p99_ms"]),
        "setup_s": med(lambda r: r["setup_s"]),
    }


def verdict(key: str, value: float) -> str:
    if key not in TARGETS:
        return ""
    op, target = TARGETS[key]
    ok = value >= target if op == ">=" else value < target
    return f"{'PASS' if ok else 'MISS'} ({op} {target:g})"


async def main(args: argparse.Namespace) -> None:
    report: dict[str, Any] = {"teachers": args.teachers, "pursuits": args.pursuits,
                              "cohorts": args.cohorts, "runs": args.runs}

    async def run(url: str, seed: int) -> dict[str, Any]:
        return await one_run(url, args, seed=seed)

    async for backend, runs in runs_on_each_database("bench", args.runs, args.sqlite_only, run):
        report[backend] = {"median": summarise(runs), "runs": runs}
        print(f"\n{backend}: {args.teachers} teachers, {args.pursuits} pursuits in "
              f"{args.cohorts} cohorts, median of {args.runs} runs")
        for key, value in report[backend]["median"].items():
            print(f"  {key:<20} {value:>10.2f}  {verdict(key, value)}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"foundation-{args.teachers}-{args.pursuits}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nwritten to {out}")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teachers", type=int, default=50_000)
    parser.add_argument("--pursuits", type=int, default=200_000)
    # Fewer cohorts with fewer pursuits keeps a cohort state-size (2,000 pursuits) in a quick run.
    parser.add_argument("--cohorts", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
