"""APScheduler only ticks: two interval jobs, never one job per nudge, and a tick is the same
sweep and dispatch everything else uses."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.triggers.interval import IntervalTrigger

from adapters.local.driver import LocalDriver
from coachbot.composition import CoachBot, build_nudging
from coachbot.services.nudging.ticker import DISPATCH_JOB, SWEEP_JOB, NudgeTicker
from tests.helpers import ANA


async def test_the_ticker_runs_two_jobs_that_sweep_and_send(district: CoachBot) -> None:
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
        assert set(jobs) == {SWEEP_JOB, DISPATCH_JOB}
        assert all(isinstance(job.trigger, IntervalTrigger) for job in jobs.values())
        assert jobs[SWEEP_JOB].max_instances == 1
        swept = await ticker.sweep_tick()
        assert swept is not None
        assert swept.created >= 1
        sent = await ticker.dispatch_tick()
        assert sent is not None
        assert sent.sent >= 1
        assert len(ticker.scheduler.get_jobs()) == 2  # sending made no jobs
    finally:
        ticker.stop()
    assert ana.button("snooze_week")  # Ana got a reminder she can act on
