"""Dispatch throughput against a local fake platform that enforces the published limits.

    python -m bench.dispatch [--people 200] [--per-person 2] [--global-rate 50] [--runs 3]

The fake platform refuses (429 with Retry-After) anything over one message per second per
channel or over the global rate in any one-second window, as Discord's global limit and Slack's
per-channel limit do. The dispatcher sends through the rate limiter; the figure is the messages
delivered as a share of what the platform's rule allows between the first and the last one
(target: at least 95%), and the number lost (target: 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.generate import load_catalog, write_roster
from coachbot.composition import build
from coachbot.importing.roster_reader import read_roster
from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.outgoing import Outgoing, RateLimited
from coachbot.services.nudging.ratelimit import LimitedDelivery, RateLimiter
from coachbot.settings import Settings
from coachbot.storage.models import NudgeRow, Person
from coachbot.storage.schema import upgrade

MORNING = datetime(2026, 9, 15, 15, 0, tzinfo=UTC)  # a school-day morning in Chicago
RESULTS = Path(__file__).with_name("results")


class PacedClock:
    """A school-day morning that moves at the speed of real time."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def now(self) -> datetime:
        return MORNING + timedelta(seconds=time.monotonic() - self.started)


class FakePlatform:
    def __init__(self, global_rate: float) -> None:
        self.global_rate = global_rate
        self.recent: deque[float] = deque()
        self.last_in_channel: dict[str, float] = {}
        self.delivered: dict[str, float] = {}
        self.refused = 0

    async def post(self, nudge: Outgoing) -> str:
        now = time.monotonic()
        while self.recent and now - self.recent[0] >= 1.0:
            self.recent.popleft()
        channel = str(nudge.person_id)
        if len(self.recent) >= self.global_rate:
            self.refused += 1
            raise RateLimited(1.0 - (now - self.recent[0]))
        if now - self.last_in_channel.get(channel, -10.0) < 1.0:
            self.refused += 1
            raise RateLimited(1.0 - (now - self.last_in_channel[channel]))
        self.recent.append(now)
        self.last_in_channel[channel] = now
        self.delivered.setdefault(nudge.key, now)
        return f"m{len(self.delivered)}"


async def one_run(folder: str, args: argparse.Namespace, run: int) -> dict[str, float]:
    clock = PacedClock()
    services = build(Settings(database_url=f"sqlite+aiosqlite:///{folder}/d{run}.db",
                         log_level="WARNING", _env_file=None), clock)
    try:
        await upgrade(services.db)
        schools = await load_catalog(services, 4)
        roster = Path(folder) / f"r{run}.csv"
        write_roster(roster, args.people, 1, schools, random.Random(run))
        await services.roster.load("state", read_roster(roster, set(schools)))
        async with services.db.write() as session:
            people = list((await session.execute(
                select(Person.id, Person.district_id).where(Person.email.like("t%"))
                .limit(args.people))).all())
            await session.execute(insert(NudgeRow), [{
                "key": f"{pid}-{n}", "district_id": district, "person_id": pid,
                "kind": "feedback_ready", "subject": f"news:{pid}-{n}", "priority": 100,
                "due_at": MORNING, "deliver_at": MORNING, "status": "pending", "attempts": 0,
                "params": {}, "created_at": MORNING,
            } for pid, district in people for n in range(args.per_person)])
        platform = FakePlatform(args.global_rate)
        limiter = RateLimiter(clock, per_key_rate=1.0, global_rate=args.global_rate)
        sender = LimitedDelivery(limiter, platform.post, lambda n: str(n.person_id))
        dispatcher = Dispatcher(services.db, clock, sender, lease=timedelta(minutes=5))
        total = len(people) * args.per_person
        while len(platform.delivered) < total:
            result = await dispatcher.run_once(limit=100)
            if not result.sent:
                await asyncio.sleep(0.02)  # everyone left is waiting on their channel
        async with services.db.read() as session:
            sent = await session.scalar(select(func.count()).select_from(NudgeRow).where(
                NudgeRow.status == "sent"))
        times = sorted(platform.delivered.values())
        span = times[-1] - times[0]
        # What the platform's own rule lets through between the first and the last message:
        # per one-second window, the global limit, and one message per channel.
        windows = int(span) + 1
        allowed = min(args.global_rate, len(people) * 1.0) * windows
        return {"messages": total, "seconds": span, "allowed_in_that_time": allowed,
                "achieved_per_s": total / windows, "share_of_allowed": total / allowed,
                "lost": total - (sent or 0), "refused_by_platform": platform.refused}
    finally:
        await services.aclose()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        runs = [await one_run(folder, args, run) for run in range(args.runs)]
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(f"dispatch: {median['messages']:.0f} messages to {args.people} people in "
          f"{median['seconds']:.2f} s, where the platform allows "
          f"{median['allowed_in_that_time']:.0f}: {median['share_of_allowed']:.1%} of the "
          f"allowed rate, lost {median['lost']:.0f}, "
          f"refused by the platform {median['refused_by_platform']:.0f} "
          f"(median of {args.runs} runs)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dispatch.json").write_text(json.dumps({"median": median, "runs": runs},
                                                      indent=2))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--per-person", type=int, default=2)
    parser.add_argument("--global-rate", type=float, default=50.0)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
