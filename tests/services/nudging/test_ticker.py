"""APScheduler only ticks: three interval jobs (sweep, dispatch, daily housekeeping), never one
job per nudge, and a tick is the same sweep and dispatch everything else uses."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.services.nudging.ticker import (
    DISPATCH_JOB,
    HOUSEKEEPING_JOB,
    SWEEP_JOB,
    NudgeTicker,
)
from coachbot.storage.models import IdempotencyKey
from tests.helpers import ANA


async def test_the_ticker_runs_two_jobs_that_sweep_and_send(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    district.clock.set(datetime(2026, 9, 22, 15, 0, tzinfo=UTC))  # quiet for two weeks
    nudging = build_nudging(district, room)
    ticker = NudgeTicker(nudging.sweep, nudging.dispatcher)
    ticker.start()
    try:
        jobs = {job.id: job for job in ticker.scheduler.get_jobs()}
        assert set(jobs) == {SWEEP_JOB, DISPATCH_JOB, HOUSEKEEPING_JOB}
        assert all(isinstance(job.trigger, IntervalTrigger) for job in jobs.values())
        assert jobs[SWEEP_JOB].max_instances == 1
        swept = await ticker.sweep_tick()
        assert swept is not None
        assert swept.created >= 1
        sent = await ticker.dispatch_tick()
        assert sent is not None
        assert sent.sent >= 1
        assert len(ticker.scheduler.get_jobs()) == 3  # sending made no jobs
    finally:
        ticker.stop()
    assert ana.button("snooze_week")  # Ana got a reminder she can act on


async def test_housekeeping_forgets_old_request_keys_but_keeps_recent_ones(
    district: Services,
) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")  # a request with a key, on September 8
    district.clock.set(datetime(2026, 9, 30, 15, 0, tzinfo=UTC))
    await ana.press("use_plan")  # another, three weeks later
    nudging = build_nudging(district, room)
    ticker = NudgeTicker(nudging.sweep, nudging.dispatcher)
    district.clock.set(datetime(2026, 10, 1, 15, 0, tzinfo=UTC))
    assert await ticker.housekeeping_tick() == 0  # nothing is 30 days old yet
    district.clock.set(datetime(2026, 10, 25, 15, 0, tzinfo=UTC))
    pruned = await ticker.housekeeping_tick()
    assert pruned is not None
    assert pruned >= 1
    async with district.db.read() as session:
        kept = list(await session.scalars(select(IdempotencyKey.created_at)))
    assert kept
    assert all(at >= datetime(2026, 9, 25, tzinfo=UTC) for at in kept)
