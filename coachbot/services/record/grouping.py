"""Calls that arrive together are served together: one query or one commit for a burst.

``Grouped(work)`` runs ``work(items)`` for every item waiting; items that arrive while it runs
wait for the next run. An idle caller is served at once (a group of one), so nothing waits for a
timer; under a burst, fifty callers share a couple of runs instead of queueing fifty of them (on
SQLite, behind its single writer). Each caller gets its own result, or the run's exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Grouped(Generic[Item, Result]):
    def __init__(self, work: Callable[[list[Item]], Awaitable[Sequence[Result]]]) -> None:
        self.work = work
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def __call__(self, item: Item) -> Result:
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await done

    async def _run(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            try:
                results = await self.work([item for item, _ in group])
            except Exception as exc:  # every caller of this run hears it
                for _, done in group:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), result in zip(group, results, strict=True):
                if not done.done():
                    done.set_result(result)
