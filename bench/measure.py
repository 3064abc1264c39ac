"""The figures: roster import rate and memory, and the latency of the two questions people ask
most (where does this teacher stand; how is this cohort doing)."""

from __future__ import annotations

import random
import resource
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coachbot.composition import CoachBot
from coachbot.importing.roster_reader import read_roster
from coachbot.storage.models import Cohort, Person


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def import_roster(bot: CoachBot, path: Path, schools: list[str]) -> dict[str, float]:
    """Parse, validate and store the whole roster, as `coachbot import roster` does.

    Memory is the process's peak resident size at the end of the import (it runs first, before
    the bulk setup, so nothing else has grown the process yet); tracemalloc is not used because
    it slows allocation-heavy code several times over and would distort the rate.
    """
    before = _rss_mib()
    started = time.perf_counter()
    rows = read_roster(path, set(schools))
    result = await bot.roster.load("state", rows, source=path.name)
    elapsed = time.perf_counter() - started
    return {"rows": len(rows), "created": result.created, "seconds": elapsed,
            "rows_per_s": len(rows) / elapsed, "peak_rss_mib": _rss_mib(),
            "rss_growth_mib": _rss_mib() - before}


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


async def query_latencies(bot: CoachBot, rng: random.Random, teachers: int = 500,
                          cohorts: int = 100) -> dict[str, dict[str, float]]:
    async with bot.db.read() as session:
        emails = list(await session.scalars(select(Person.email).where(
            Person.email.like("t%@state.example"))))
        cohort_ids = list(await session.scalars(select(Cohort.id)))
    return {
        "status_of_one_teacher": await latency(bot.status.teacher,
                                               rng.sample(emails, min(teachers, len(emails)))),
        "progress_of_one_cohort": await latency(
            bot.status.cohort, rng.sample(cohort_ids, min(cohorts, len(cohort_ids)))),
    }
