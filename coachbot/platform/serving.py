"""A platform served beside the nudge ticker, and stopped cleanly: ticker first, then the work
already acknowledged is drained (for a while), so nothing is cut off half-way."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import AsyncIterator

from coachbot.composition import Nudging
from coachbot.platform.heap import settle
from coachbot.platform.turns import TurnRunner
from coachbot.services.nudging.ticker import NudgeTicker

DRAIN_SECONDS = 10


def worker_name(prefix: str) -> str:
    """A name unique to this process, for the dispatcher's claims: replicas never finish each
    other's claims, and a dead process's claims are taken over when their lease runs out."""
    return f"{prefix}-{socket.gethostname()}-{os.getpid()}"


@contextlib.asynccontextmanager
async def serving(nudging: Nudging, runner: TurnRunner,
                  drain_seconds: float = DRAIN_SECONDS) -> AsyncIterator[None]:
    """Around an adapter's serving loop: reminders are swept and delivered meanwhile. Entered
    once the adapter's client is built, so its start-up is settled first (``heap.settle``)."""
    settle()
    ticker = NudgeTicker(nudging.sweep, nudging.dispatcher)
    ticker.start()
    try:
        yield
    finally:
        ticker.stop()
        await runner.stop(drain_seconds)
