"""Nudges: how the sweep's time and memory follow what is due, and, side by side, the approach it
replaced (one APScheduler job per reminder in SQLAlchemyJobStore).

    python -m bench.nudges [--pursuits 200000] [--reminders 10000 100000] [--runs 3]
                           [--apscheduler 100000] [--sqlite-only]

Per database (SQLite, then PostgreSQL when configured), each run builds a fresh district of
``--pursuits`` pursuits and sweeps it with nothing due, then with exactly R reminders due for
each R in ``--reminders`` (one milestone due today on R pursuits). Each sweep is measured three
ways: its time (after a warm-up sweep; the median of several when little is due), its
``tracemalloc`` peak (the sweep alone: tracing starts just before it), and its peak resident size
in a fresh process (spawned, so neither the district build nor the benchmark's own garbage is in
it). See bench/README.md for the figures and targets.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, text

from bench.generate import load_catalog, load_journeys, write_roster
from bench.measure import peak_rss_mib
from bench.run_all import runs_on_each_database
from coachbot.clock import VirtualClock
from coachbot.composition import Services, build
from coachbot.importing.roster_reader import read_roster
from coachbot.services.nudging.sweep import Sweep
from coachbot.settings import Settings
from coachbot.storage.models import Base, District, ReviewWait, WorkPlan
from coachbot.storage.schema import upgrade

QUIET_YEAR = datetime(2028, 3, 7, 15, 0, tzinfo=UTC)  # nothing in the data is due then
RESULTS = Path(__file__).with_name("results")
MIB = 2**20
FLAT = 1.25  # the target: the peak at the largest number due within 25% of the smallest's


def new_sweep(services: Services) -> Sweep:
    """The sweep as the composition root wires it (the one place the benchmark builds one)."""
    return Sweep(services.db, services.clock, services.reviews)


def _services(url: str) -> Services:
    return build(Settings(database_url=url, log_level="WARNING", _env_file=None),
                 VirtualClock(QUIET_YEAR))


async def district(url: str, pursuits: int, seed: int) -> Services:
    rng = random.Random(seed)
    services = _services(url)
    await upgrade(services.db)
    schools = await load_catalog(services, 40)
    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "roster.csv"
        write_roster(roster, max(2000, pursuits // 4), max(80, pursuits // 100), schools, rng)
        await services.roster.load("state", read_roster(roster, set(schools)))
    await load_journeys(services, pursuits, 100, rng)
    await park_waiting_evidence(services)
    await services.db.analyze(*(t.name for t in Base.metadata.sorted_tables))
    return services


async def park_waiting_evidence(services: Services) -> None:
    """The stage's handed-in evidence with no reviewer (state "submitted") waits, as the product
    keeps it: every hand-in is either under review or has a wait row. Without one the sweep's
    safety net would route 200 of them per sweep and "nothing due" would not be nothing. Their
    next try is the day after the measured moment: a reminder sweep is what is timed here;
    routing is measured by ``bench.routing``."""
    async with services.db.write() as session:
        await session.execute(
            text("INSERT INTO review_waits (pursuit_id, district_id, since, next_try_at, "
                 "expected_by, tries) SELECT id, district_id, updated_at, :next_try, NULL, 1 "
                 "FROM pursuits WHERE state = 'submitted'").bindparams(
                bindparam("next_try", type_=ReviewWait.__table__.c.next_try_at.type)),
            {"next_try": QUIET_YEAR + timedelta(days=1)})


async def make_due(services: Services, reminders: int) -> None:
    """Give exactly ``reminders`` pursuits with a plan, spread evenly over them, a first milestone
    due today at QUIET_YEAR. Each smaller set is a subset of a larger one, so calling this with
    growing numbers leaves exactly the last number due."""
    async with services.db.read() as session:
        planned = list(await session.scalars(select(WorkPlan.pursuit_id).order_by(WorkPlan.id)))
    if reminders > len(planned):
        raise SystemExit(f"{reminders} reminders need more than {len(planned)} planned "
                         "pursuits: raise --pursuits")
    step = len(planned) / reminders
    chosen = [planned[int(i * step)] for i in range(reminders)]
    pursuits = text("UPDATE pursuits SET state = 'in_progress' WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True))
    milestones = text(
        "UPDATE milestones SET due_on = :today, done_at = NULL WHERE position = 1 AND "
        "plan_id IN (SELECT id FROM work_plans WHERE pursuit_id IN :ids)").bindparams(
        bindparam("ids", expanding=True))
    async with services.db.write() as session:
        for start in range(0, len(chosen), 5000):
            ids = chosen[start:start + 5000]
            await session.execute(pursuits, {"ids": ids})
            await session.execute(milestones, {"ids": ids, "today": QUIET_YEAR.date()})
    await services.db.analyze("pursuits", "milestones")


async def clear_outbox(services: Services) -> None:
    """A fresh outbox, so every measured sweep creates the same rows."""
    async with services.db.write() as session:
        await session.execute(text(
            "DELETE FROM nudges" if services.db.is_sqlite else "TRUNCATE nudges"))


def _rss_now_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _sweep_here(url: str) -> dict[str, float]:
    """Runs in a fresh spawned process: one sweep, and how far it raised the resident size."""

    async def run() -> dict[str, float]:
        services = _services(url)
        try:
            async with services.db.read() as session:  # connect and configure the mappers first
                await session.scalar(select(District.id))
            before = _rss_now_mib()
            result = await new_sweep(services).run()
            return {"created": result.created, "rss_before_mib": before,
                    "peak_rss_mib": peak_rss_mib(), "rss_growth_mib": peak_rss_mib() - before}
        finally:
            await services.aclose()

    return asyncio.run(run())


async def in_fresh_process(function: Any, *args: Any) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return await loop.run_in_executor(pool, function, *args)


def repeats(reminders: int, most: int = 21) -> int:
    """How many timed sweeps a figure is the median of: a sweep with little due takes a few
    milliseconds and one sample of it is mostly scheduler noise; one at 100,000 takes seconds."""
    return max(1, min(most, 30_000 // max(reminders, 1)))


async def measured_sweep(services: Services, url: str, reminders: int,
                         most: int = 21) -> dict[str, float]:
    sweep = new_sweep(services)
    await sweep.run()  # warm: statement caches, connections (a running bot sweeps every minutes)
    samples = []
    for _ in range(repeats(reminders, most)):
        await clear_outbox(services)
        started = time.perf_counter()
        result = await sweep.run()
        samples.append(time.perf_counter() - started)
    await clear_outbox(services)
    gc.collect()
    tracemalloc.start()
    await sweep.run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    await clear_outbox(services)
    fresh = await in_fresh_process(_sweep_here, url)
    await clear_outbox(services)
    assert result.created == fresh["created"] == reminders
    return {"seconds": statistics.median(samples), "found": result.found,
            "created": result.created, "peak_mib": peak / MIB,
            "rss_growth_mib": fresh["rss_growth_mib"], "peak_rss_mib": fresh["peak_rss_mib"]}


async def one_run(url: str, args: argparse.Namespace, seed: int) -> dict[str, Any]:
    services = await district(url, args.pursuits, seed)
    try:
        figures = {"nothing_due": await measured_sweep(services, url, 0, args.samples)}
        for reminders in sorted(args.reminders):
            await make_due(services, reminders)
            figures[f"{reminders}_due"] = await measured_sweep(services, url, reminders,
                                                               args.samples)
        return figures
    finally:
        await services.aclose()


def _apscheduler_here(url: str, reminders: int, traced: bool) -> dict[str, float]:
    """One date job per reminder in SQLAlchemyJobStore: the approach the outbox replaces. In a
    fresh process; ``traced`` measures the tracemalloc peak, otherwise the resident size."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)},
                                    timezone="UTC")
    scheduler.start(paused=True)
    when = datetime(2030, 1, 1, tzinfo=UTC)
    before = _rss_now_mib()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    for i in range(reminders):
        scheduler.add_job(print, "date", run_date=when + timedelta(seconds=i), id=f"r{i}",
                          args=[i])
    seconds = time.perf_counter() - started
    if traced:
        figures = {"seconds_traced": seconds, "peak_mib": tracemalloc.get_traced_memory()[1] / MIB}
        tracemalloc.stop()
    else:
        figures = {"seconds": seconds, "rss_growth_mib": peak_rss_mib() - before}
    scheduler.shutdown(wait=False)
    return figures


async def apscheduler(reminders: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        plain = await in_fresh_process(_apscheduler_here, f"sqlite:///{folder}/a.db", reminders,
                                       False)
        traced = await in_fresh_process(_apscheduler_here, f"sqlite:///{folder}/b.db",
                                        reminders, True)
    return {**plain, **traced}


def median(runs: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    return {case: {key: statistics.median(r[case][key] for r in runs) for key in runs[0][case]}
            for case in runs[0]}


def verdicts(report: dict[str, Any], sizes: list[int], theirs: dict[str, float] | None) -> None:
    """The targets: the sweep's peak flat in what is due, and below one job per reminder."""
    if len(sizes) < 2:
        return
    for backend in ("sqlite", "postgresql"):
        if backend not in report:
            continue
        small, large = (report[backend]["median"][f"{n}_due"] for n in (sizes[0], sizes[-1]))
        flat = large["peak_mib"] <= FLAT * small["peak_mib"]
        print(f"{backend}: peak {small['peak_mib']:.1f} MiB at {sizes[0]} due, "
              f"{large['peak_mib']:.1f} MiB at {sizes[-1]}: {'PASS' if flat else 'MISS'} "
              f"(flat: within {FLAT:g}x)")
        if theirs is not None:
            below = large["peak_mib"] < theirs["peak_mib"]
            print(f"{backend}: {large['peak_mib']:.1f} MiB against {theirs['peak_mib']:.1f} MiB "
                  f"for one APScheduler job per reminder: {'PASS' if below else 'MISS'} (below)")


async def main(args: argparse.Namespace) -> None:
    report: dict[str, Any] = {"pursuits": args.pursuits, "runs": args.runs}

    async def run(url: str, seed: int) -> dict[str, Any]:
        return await one_run(url, args, seed)

    async for backend, runs in runs_on_each_database("nudges", args.runs, args.sqlite_only, run):
        report[backend] = {"median": median(runs), "runs": runs}
        print(f"\n{backend}: sweep over {args.pursuits} pursuits, median of {args.runs} runs")
        for case, f in report[backend]["median"].items():
            print(f"  {case:<14} {f['seconds'] * 1000:9.1f} ms  {f['created']:7.0f} created  "
                  f"tracemalloc peak {f['peak_mib']:6.1f} MiB  fresh-process RSS +"
                  f"{f['rss_growth_mib']:5.1f} MiB (peak {f['peak_rss_mib']:.0f} MiB)")
    theirs: dict[str, float] | None = None
    if args.apscheduler:
        theirs = await apscheduler(args.apscheduler)
        report["apscheduler_jobstore"] = {"reminders": args.apscheduler, **theirs}
        print(f"\nAPScheduler, one job per reminder ({args.apscheduler}, SQLite): "
              f"{theirs['seconds']:.1f} s, tracemalloc peak {theirs['peak_mib']:.1f} MiB, "
              f"fresh-process RSS +{theirs['rss_growth_mib']:.1f} MiB")
    verdicts(report, sorted(args.reminders), theirs)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "nudges.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {out}")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pursuits", type=int, default=200_000)
    parser.add_argument("--reminders", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--apscheduler", type=int, default=100_000,
                        help="reminders for the APScheduler comparison (0 skips it)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=21,
                        help="at most this many timed sweeps per figure (the median is taken)")
    parser.add_argument("--sqlite-only", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
