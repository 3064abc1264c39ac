"""The figures: roster import rate and memory, and the latency of the two questions people ask
most (where does this teacher stand; how is this cohort doing)."""

from __future__ import annotations

import asyncio
import random
import resource
import statistics
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coachbot.composition import Services, build
from coachbot.importing.roster_reader import read_roster
from coachbot.settings import Settings
from coachbot.storage.models import Cohort, Person


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def peak_rss_mib() -> float:
    """This process's peak resident size. Linux's VmHWM belongs to the process image, so unlike
    ru_maxrss it does not inherit the high-water mark of the parent the child was forked from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import_here(url: str, path: str, schools: list[str]) -> dict[str, float]:
    """Runs in a fresh child process, so its peak resident size is the import's own."""

    async def run() -> dict[str, float]:
        services = build(Settings(database_url=url, log_level="WARNING", _env_file=None))
        try:
            started = time.perf_counter()
            rows = read_roster(Path(path), set(schools))
            result = await services.roster.load("state", rows, source=Path(path).name)
            elapsed = time.perf_counter() - started
        finally:
            await services.aclose()
        return {"rows": len(rows), "created": result.created, "seconds": elapsed,
                "rows_per_s": len(rows) / elapsed,
                "peak_rss_mib": peak_rss_mib()}

    return asyncio.run(run())


async def import_roster(url: str, path: Path, schools: list[str]) -> dict[str, float]:
    """Parse, validate and store the whole roster, as `coachbot import roster` does, in a fresh
    process: the rate is end to end and the peak memory is the import's, not the benchmark's."""
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return await loop.run_in_executor(pool, _import_here, url, str(path), schools)


async def latency(call: Callable[[Any], Awaitable[Any]], keys: list[Any]) -> dict[str, float]:
    for key in keys[:20]:  # warm caches and connection pools first
        await call(key)
    samples = []
    for key in keys:
        started = time.perf_counter()
        await call(key)
        samples.append((time.perf_counter() - started) * 1000)
    return {"n": len(samples), "median_ms": statistics.median(samples),
            "p99_ms": percentile(samples, 0.99)}


async def query_latencies(services: Services, rng: random.Random, teachers: int = 500,
                          cohorts: int = 100, now: datetime | None = None,
                          ) -> dict[str, dict[str, float]]:
    """``now``: the progress view as a facilitator or admin sees it, with who has gone quiet."""
    async with services.db.read() as session:
        emails = list(await session.scalars(select(Person.email).where(
            Person.email.like("t%@state.example"))))
        cohort_ids = list(await session.scalars(select(Cohort.id)))
    return {
        "status_of_one_teacher": await latency(services.status.teacher,
                                               rng.sample(emails, min(teachers, len(emails)))),
        "progress_of_one_cohort": await latency(
            lambda cohort: services.status.cohort(cohort, now),
            # each cohort asked several times when there are fewer than asked for
            [rng.choice(cohort_ids) for _ in range(cohorts)]
            if len(cohort_ids) < cohorts else rng.sample(cohort_ids, cohorts)),
    }
