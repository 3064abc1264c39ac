"""Running people's requests: acknowledge first, work after, a few at a time, drained on stop.

Every platform wants an answer to an interaction within seconds (Slack's ack, Discord's
response or defer, both 3 s), while the work (the database, the conversation, the posts) can
take longer. An adapter answers the platform, then hands the work here with ``start``. Answers
never wait for a slot, so a burst is acknowledged at once and its work queues for a slot
instead of crowding the event loop (and the database pool) while other answers are still due.
``drain`` waits for the work already acknowledged, so a stop cuts nothing off half-way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable

log = logging.getLogger("coachbot.platform")
# How many people's requests are worked on at once after their answers.
WORK_SLOTS = 4


class TurnRunner:
    def __init__(self, platform: str, slots: int = WORK_SLOTS) -> None:
        self.platform = platform
        self._slots = asyncio.Semaphore(slots)
        self._quiet = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self._inflight = 0
        self._answering = 0

    def start(self, work: Awaitable[None], what: str = "") -> None:
        """Do ``work`` after the platform has its answer. Counted at once, so ``drain`` called
        right after sees it; ``what`` names it in the log if it fails."""
        self._inflight += 1
        task = asyncio.create_task(self._run(work, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @contextlib.asynccontextmanager
    async def answering(self) -> AsyncIterator[None]:
        """Around answering one request: work already started waits while any answer is due."""
        self._answering += 1
        try:
            yield
        finally:
            self._answering -= 1
            async with self._quiet:
                self._quiet.notify_all()

    async def drain(self) -> None:
        """Wait until the work started after answers is done (a clean stop, and tests)."""
        async with self._quiet:
            await self._quiet.wait_for(lambda: self._inflight == 0)

    async def stop(self, seconds: float) -> None:
        """Drain for at most ``seconds``; what is still running then is logged, not awaited."""
        try:
            await asyncio.wait_for(self.drain(), seconds)
        except TimeoutError:
            log.warning("stopped with %s work still running", self.platform)

    async def _run(self, work: Awaitable[None], what: str) -> None:
        try:
            async with self._quiet:  # answers first: a burst is answered before its work starts
                await self._quiet.wait_for(lambda: self._answering == 0)
            async with self._slots:
                await work
        except Exception:  # the conversation apologises itself; this is the adapter failing
            log.exception("%s work failed for %s", self.platform, what or "a request")
        finally:
            self._inflight -= 1
            async with self._quiet:
                self._quiet.notify_all()
