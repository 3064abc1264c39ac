"""A real dispatcher process for the fault tests: delivers every ready nudge to a fake platform
over HTTP, then exits. Usage: python -m tests.services.nudging.dispatcher_child DB_URL
PLATFORM_URL ANCHOR WORKER.

Its clock is the test's virtual morning plus the real seconds since ANCHOR, the same for every
process, so leases taken by a killed process expire for its successor after one real second.
"""

from __future__ import annotations

import asyncio
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.outgoing import DeliveryFailed, Outgoing
from coachbot.storage.database import Database
from coachbot.storage.models import NudgeRow

MORNING = datetime(2026, 9, 15, 15, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Chicago


class AnchoredClock:
    def __init__(self, anchor: float) -> None:
        self.anchor = anchor

    def now(self) -> datetime:
        return MORNING + timedelta(seconds=time.time() - self.anchor)


async def main(db_url: str, platform: str, anchor: float, worker: str) -> None:
    db = Database(db_url)

    def post(key: str) -> str:
        request = urllib.request.Request(platform, data=key.encode(), method="POST")
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.read().decode()

    async def send(nudge: Outgoing) -> str:
        try:
            return await asyncio.to_thread(post, nudge.key)
        except OSError as exc:
            raise DeliveryFailed(str(exc)) from exc

    dispatcher = Dispatcher(
        db, AnchoredClock(anchor), send, worker=worker, lease=timedelta(seconds=1)
    )
    while True:
        await dispatcher.run_once(limit=5)
        async with db.read() as session:
            left = await session.scalar(
                select(func.count())
                .select_from(NudgeRow)
                .where(NudgeRow.status.in_(["pending", "claimed"]))
            )
        if not left:
            break
        await asyncio.sleep(0.05)  # a real process waiting for leases to run out
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]))
