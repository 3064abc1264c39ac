"""The timer: APScheduler ticks the sweep and the dispatcher; the tables hold what is due.

There is deliberately no scheduler job per nudge: APScheduler deletes a one-shot job when it
starts it, so a crash at that moment would lose the nudge. Two interval jobs instead, each
idempotent, so a missed or doubled tick changes nothing but timing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.outgoing import DispatchResult
from coachbot.services.nudging.sweep import Sweep, SweepResult
from coachbot.services.record import idempotency

log = logging.getLogger("coachbot.nudges")
SWEEP_JOB, DISPATCH_JOB = "coachbot-sweep", "coachbot-dispatch"
HOUSEKEEPING_JOB = "coachbot-housekeeping"
# How long a request's idempotency key is kept: far beyond any platform's retries.
KEEP_KEYS = timedelta(days=30)


class NudgeTicker:
    def __init__(
        self,
        sweep: Sweep,
        dispatcher: Dispatcher,
        *,
        sweep_every: timedelta = timedelta(minutes=5),
        dispatch_every: timedelta = timedelta(seconds=15),
        batch: int = 200,
    ) -> None:
        self.sweep, self.dispatcher, self.batch = sweep, dispatcher, batch
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        # coalesce: a backlog of missed ticks runs once; max_instances: never overlapping.
        options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        self.scheduler.add_job(
            self.sweep_tick,
            "interval",
            id=SWEEP_JOB,
            seconds=sweep_every.total_seconds(),
            **options,
        )
        self.scheduler.add_job(
            self.dispatch_tick,
            "interval",
            id=DISPATCH_JOB,
            seconds=dispatch_every.total_seconds(),
            **options,
        )
        self.scheduler.add_job(
            self.housekeeping_tick, "interval", id=HOUSEKEEPING_JOB, hours=24, **options
        )

    def start(self) -> None:
        """Start ticking (inside a running event loop)."""
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)

    async def sweep_tick(self) -> SweepResult | None:
        try:
            result = await self.sweep.run()
        except Exception:  # the next tick tries again; the tables still hold the truth
            log.exception("sweep failed")
            return None
        log.info("sweep: %s due, %s new", result.found, result.created)
        return result

    async def dispatch_tick(self) -> DispatchResult | None:
        try:
            return await self.dispatcher.run_once(limit=self.batch)
        except Exception:
            log.exception("dispatch failed")
            return None

    async def housekeeping_tick(self) -> int | None:
        """Once a day: forget idempotency keys nobody can retry any more."""
        try:
            pruned = await idempotency.prune(
                self.dispatcher.db, self.dispatcher.clock.now() - KEEP_KEYS
            )
        except Exception:
            log.exception("housekeeping failed")
            return None
        log.info("housekeeping: %s old idempotency keys pruned", pruned)
        return pruned
