"""Nudges: sweep time and memory with nothing due and with 10% due, and, side by side, the
approach this replaces (one APScheduler job per reminder in SQLAlchemyJobStore).

    python -m bench.nudges [--pursuits 10000 200000] [--reminders 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.generate import load_catalog, load_journeys, write_roster
from bench.measure import peak_rss_mib
from coachbot.clock import VirtualClock
from coachbot.composition import build
from coachbot.importing.roster_reader import read_roster
from coachbot.services.nudging.sweep import Sweep
from coachbot.settings import Settings
from coachbot.storage.models import Base
from coachbot.storage.schema import upgrade

QUIET_YEAR = datetime(2028, 3, 7, 15, 0, tzinfo=UTC)  # nothing in the data is due then
RESULTS = Path(__file__).with_name("results")


async def district(url: str, pursuits: int, seed: int) -> Any:
    rng = random.Random(seed)
    services = build(Settings(database_url=url, log_level="WARNING", _env_file=None),
                VirtualClock(QUIET_YEAR))
    await upgrade(services.db)
    schools = await load_catalog(services, 40)
    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "roster.csv"
        write_roster(roster, max(2000, pursuits // 4), max(80, pursuits // 100), schools, rng)
        await services.roster.load("state", read_roster(roster, set(schools)))
    await load_journeys(services, pursuits, 100, rng)
    await services.db.analyze(*(t.name for t in Base.metadata.sorted_tables))
    return services


async def make_due(services: Any, fraction: float) -> None:
    """Make ``fraction`` of the pursuits have a milestone due today at QUIET_YEAR."""
    every = max(1, round(1 / fraction))
    today = QUIET_YEAR.date()
    async with services.db.write() as session:
        await session.execute(text(
            "UPDATE pursuits SET state = 'in_progress' WHERE id % :n = 0 AND id IN "
            "(SELECT pursuit_id FROM work_plans)"), {"n": every})
        await session.execute(text(
            "UPDATE milestones SET due_on = :today, done_at = NULL WHERE position = 1 AND "
            "plan_id IN (SELECT id FROM work_plans WHERE pursuit_id % :n = 0)"),
            {"today": today, "n": every})
    await services.db.analyze("pursuits", "milestones")


async def timed_sweep(services: Any) -> dict[str, float]:
    sweep = Sweep(services.db, services.clock)
    await sweep.run()  # warm: statement caches, connections (a running bot sweeps every minutes)
    async with services.db.write() as session:  # a fresh outbox, so every run creates the same rows
        await session.execute(text("DELETE FROM nudges"))
    started = time.perf_counter()
    result = await sweep.run()
    seconds = time.perf_counter() - started
    async with services.db.write() as session:
        await session.execute(text("DELETE FROM nudges"))
    tracemalloc.start()
    await sweep.run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "found": result.found, "created": result.created,
            "peak_mib": peak / 2**20}


def apscheduler_jobs(url: str, reminders: int) -> dict[str, float]:
    """One date job per reminder in SQLAlchemyJobStore: the approach the outbox replaces."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)},
                                    timezone="UTC")
    scheduler.start(paused=True)
    when = datetime(2030, 1, 1, tzinfo=UTC)
    tracemalloc.start()
    started = time.perf_counter()
    for i in range(reminders):
        scheduler.add_job(print, "date", run_date=when + timedelta(seconds=i), id=f"r{i}",
                          args=[i])
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    scheduler.shutdown(wait=False)
    return {"seconds": seconds, "peak_mib": peak / 2**20}


async def main(args: argparse.Namespace) -> None:
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in args.pursuits:
            runs: dict[str, list[dict[str, float]]] = {"nothing_due": [], "ten_percent_due": []}
            for run in range(args.runs):
                url = f"sqlite+aiosqlite:///{folder}/n{size}-{run}.db"
                services = await district(url, size, run)
                try:
                    runs["nothing_due"].append(await timed_sweep(services))
                    await make_due(services, 0.10)
                    runs["ten_percent_due"].append(await timed_sweep(services))
                finally:
                    await services.aclose()
            report[f"{size}_pursuits"] = {
                case: {key: statistics.median(r[key] for r in results)
                       for key in results[0]} for case, results in runs.items()}
            for case, figures in report[f"{size}_pursuits"].items():
                print(f"sweep, {size} pursuits, {case}: {figures['seconds'] * 1000:.1f} ms, "
                      f"{figures['created']:.0f} nudges, peak {figures['peak_mib']:.1f} MiB")
        # The comparison at the same number of reminders: the outbox sweep creating them...
        services = await district(f"sqlite+aiosqlite:///{folder}/cmp.db", args.reminders * 2, 0)
        try:
            await make_due(services, 0.5)
            ours = await timed_sweep(services)
        finally:
            await services.aclose()
        # ...and one APScheduler job per reminder.
        theirs = apscheduler_jobs(f"sqlite:///{folder}/aps.db", args.reminders)
        report["comparison"] = {"outbox": ours, "apscheduler_jobstore": theirs,
                                "time_ratio": theirs["seconds"] / ours["seconds"],
                                "memory_ratio": theirs["peak_mib"] / max(ours["peak_mib"], 0.01)}
        print(f"\n{ours['created']:.0f} reminders: outbox sweep {ours['seconds']:.2f} s, "
              f"peak {ours['peak_mib']:.1f} MiB; APScheduler jobs ({args.reminders}) "
              f"{theirs['seconds']:.2f} s, peak {theirs['peak_mib']:.1f} MiB; ratios: "
              f"time x{report['comparison']['time_ratio']:.1f}, "
              f"memory x{report['comparison']['memory_ratio']:.1f}")
    report["process_peak_rss_mib"] = peak_rss_mib()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "nudges.json").write_text(json.dumps(report, indent=2))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pursuits", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
