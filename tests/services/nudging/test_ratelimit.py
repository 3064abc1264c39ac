"""The rate limiter keeps just under a platform's limits and honours Retry-After, on a virtual
clock: no real waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachbot.clock import VirtualClock
from coachbot.domain.nudges import NudgeKind
from coachbot.services.nudging.outgoing import Outgoing, RateLimited
from coachbot.services.nudging.ratelimit import (
    LimitedDelivery,
    PlatformLimits,
    RateLimiter,
    limiter_for,
)

START = datetime(2026, 9, 15, 15, 0, tzinfo=UTC)


def drain(limiter: RateLimiter, clock: VirtualClock, keys: list[str]) -> list[datetime]:
    """Send one message per key in order, waiting as told; returns when each went."""
    sent = []
    for key in keys:
        while (wait := limiter.reserve(key)) > 0:
            clock.advance(timedelta(seconds=wait))
        sent.append(clock.now())
    return sent


def test_one_channel_gets_about_one_message_a_second() -> None:
    clock = VirtualClock(START)
    limiter = RateLimiter(clock, per_key_rate=1.0, global_rate=50.0)
    sent = drain(limiter, clock, ["C1"] * 20)
    span = (sent[-1] - sent[0]).total_seconds()
    assert 19 / span <= 1.0  # never over the limit
    assert 19 / span >= 0.95  # and at least 95% of it


@settings(max_examples=50)
@given(st.lists(st.sampled_from([f"C{i}" for i in range(80)]), min_size=50, max_size=400))
def test_no_window_ever_exceeds_the_limits(keys: list[str]) -> None:
    clock = VirtualClock(START)
    limiter = RateLimiter(clock, per_key_rate=1.0, global_rate=50.0)
    sent = drain(limiter, clock, keys)
    for i, moment in enumerate(sent):  # in any one-second window starting at a send...
        window = [j for j in range(i, len(sent)) if sent[j] - moment < timedelta(seconds=1)]
        assert len(window) <= 50
        per_key = [keys[j] for j in window]
        assert all(per_key.count(k) <= 1 for k in set(per_key))


def test_a_429_holds_that_channel_for_its_retry_after() -> None:
    clock = VirtualClock(START)
    limiter = RateLimiter(clock, per_key_rate=1.0, global_rate=50.0)
    assert limiter.reserve("C1") == 0
    clock.advance(timedelta(seconds=2))
    limiter.penalise("C1", retry_after=30)
    assert 29 < limiter.reserve("C1") <= 30
    assert limiter.reserve("C2") == 0  # other channels go on
    clock.advance(timedelta(seconds=30))
    assert limiter.reserve("C1") == 0


async def test_a_busy_channel_is_handed_back_and_a_busy_workspace_waits() -> None:
    clock = VirtualClock(START)
    limiter = RateLimiter(clock, per_key_rate=1.0, global_rate=1.0)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(timedelta(seconds=seconds))

    async def platform(nudge: Outgoing) -> str:
        return f"sent {nudge.key}"

    def nudge(key: str, channel: str) -> Outgoing:
        return Outgoing(1, key, 1, NudgeKind.FEEDBACK_READY, "news:1", {"channel": channel})

    sender = LimitedDelivery(limiter, platform, lambda n: n.params["channel"], sleep)
    assert await sender(nudge("a", "C1")) == "sent a"
    with pytest.raises(RateLimited):
        await sender(nudge("b", "C1"))  # the same channel again at once: handed back
    assert slept == []
    assert await sender(nudge("c", "C2")) == "sent c"  # another channel: the workspace waits
    assert slept  # the workspace limit (1/s) made it wait rather than refuse


async def test_a_429_from_the_platform_holds_the_channel() -> None:
    clock = VirtualClock(START)
    limiter = RateLimiter(clock, per_key_rate=1.0, global_rate=50.0)

    async def platform(nudge: Outgoing) -> str:
        raise RateLimited(20)

    sender = LimitedDelivery(limiter, platform, lambda n: "C9")
    with pytest.raises(RateLimited):
        await sender(Outgoing(1, "k", 1, NudgeKind.FEEDBACK_READY, "news:1", {}))
    assert limiter.reserve("C9") > 19


def test_the_platform_profiles_stay_just_under_the_published_limits() -> None:
    clock = VirtualClock(START)
    # As the adapters declare them: Discord's 50 a second for the bot, Slack's one a second per
    # channel with four a second across the workspace.
    discord, slack = PlatformLimits(1.0, 50.0), PlatformLimits(1.0, 4.0)
    for limits, per_second in ((discord, 50), (slack, 4)):
        limiter = limiter_for(limits, clock)
        sent = 0
        for step in range(1000):  # ten seconds in 10 ms steps, each to another channel
            clock.advance(timedelta(milliseconds=10))
            if limiter.reserve(f"C{step}") == 0:
                sent += 1
        assert 0.95 * 10 * per_second <= sent <= 10 * per_second
        # and one channel never gets more than one a second
        one = limiter_for(limits, clock)
        clock.advance(timedelta(seconds=5))
        taken = 0
        for _ in range(500):
            clock.advance(timedelta(milliseconds=10))
            taken += one.reserve("DM") == 0
        assert 4 <= taken <= 5


def test_a_request_that_is_no_message_takes_a_global_slot() -> None:
    """Discord counts opening a DM toward its global limit: so does the limiter."""
    clock = VirtualClock(START)
    limiter = RateLimiter(clock, per_key_rate=1.0, global_rate=3.0)
    assert limiter.reserve("A") == 0
    assert limiter.take_global() == 0  # opening B's DM
    assert limiter.reserve("B") == 0
    assert limiter.reserve("C") > 0  # three requests this second: C waits
    assert limiter.take_global() > 0  # and so does another DM open
    clock.advance(timedelta(seconds=1.02))
    assert limiter.take_global() == 0


async def test_a_delivery_that_opens_a_dm_counts_two_requests_each_as_it_leaves() -> None:
    """The slot taken for a delivery moves to when its first request leaves (after a slow
    account lookup); the message after the DM open takes a slot of its own."""
    clock = VirtualClock(START)
    limiter = RateLimiter(clock, per_key_rate=1.0, global_rate=2.0)
    left: list[datetime] = []

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    async def platform(nudge: Outgoing) -> str:
        clock.advance(timedelta(seconds=0.5))  # looking the person up
        for _request in ("open the DM", "post the message"):
            await limiter.wait_for_all(sleep)
            left.append(clock.now())
        return "sent"

    sender = LimitedDelivery(limiter, platform, lambda n: f"person:{n.person_id}", sleep)
    await sender(Outgoing(1, "k", 1, NudgeKind.FEEDBACK_READY, "news:1", {}))
    assert left == [START + timedelta(seconds=0.5)] * 2
    # Both slots are at 0.5 s, none is left at 0 s: nothing more until the window has passed.
    clock.advance(timedelta(seconds=0.7))
    assert limiter.reserve("other") > 0
    clock.advance(timedelta(seconds=0.4))
    assert limiter.reserve("other") == 0
    assert limiter.reserve("another") == 0  # two requests were counted, not three
