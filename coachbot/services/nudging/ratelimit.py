"""Staying just under a platform's published limits.

Token buckets per key (a Slack channel, a Discord route) plus one shared bucket for the whole
workspace or bot; ``reserve`` answers how long to wait before the next call may go, so the
caller can wait on its own clock. A 429 from the platform (``penalise``) empties the bucket for
the Retry-After it gave, so nothing else is tried on that key until then.

The global window is what the platform counts, so it should hold one slot per request, taken as
the request leaves. An adapter whose send makes several requests, or does slow work first
(Discord: looking up the person's account, opening their DM), calls ``wait_for_all`` just before
each request: the first moves the slot ``LimitedDelivery`` took for this delivery (``HELD``) to
now, every later one takes a slot of its own.

Each adapter declares its platform's published limits (``PlatformLimits``, the ``limits`` of its
``Platform``): Slack's chat.postMessage allows about one message per second per channel, with a
workspace-wide ceiling; Discord allows 50 requests per second globally, and per-route buckets
announced in response headers.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from coachbot.clock import Clock
from coachbot.services.nudging.outgoing import Outgoing, RateLimited

# The global slot taken for the delivery under way in this task, not yet used by a request:
# (its limiter, when it was taken).
HELD: ContextVar[tuple[RateLimiter, datetime] | None] = ContextVar("held_slot", default=None)


@dataclass
class Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float
    updated: datetime
    blocked_until: datetime | None = None

    def refill(self, now: datetime) -> None:
        elapsed = max(0.0, (now - self.updated).total_seconds())
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now

    def wait(self, now: datetime) -> float:
        """Seconds until one token is available (0 when it is now)."""
        self.refill(now)
        blocked = (self.blocked_until - now).total_seconds() if self.blocked_until else 0.0
        short = max(0.0, (1.0 - self.tokens) / self.rate)
        return max(blocked, short, 0.0)


def _whole_micros(seconds: float) -> float:
    """Round a wait up to whole microseconds: clocks cannot advance by less, and a wait that
    rounds to nothing would have the caller ask again forever."""
    return 0.0 if seconds <= 0 else math.ceil(seconds * 1_000_000) / 1_000_000


@dataclass
class SlidingWindow:
    """At most ``limit`` events in any window of ``seconds``: exactly how platforms count, so
    a late wake-up never wastes capacity the way a small token bucket does."""

    limit: int
    seconds: float
    events: deque[datetime] = field(default_factory=deque)

    def wait(self, now: datetime) -> float:
        while self.events and (now - self.events[0]).total_seconds() >= self.seconds:
            self.events.popleft()
        if len(self.events) < self.limit:
            return 0.0
        return self.seconds - (now - self.events[0]).total_seconds()


@dataclass
class RateLimiter:
    clock: Clock
    per_key_rate: float  # e.g. 1.0 for Slack's one message per second per channel
    global_rate: float  # e.g. Discord's 50 per second, or a Slack workspace's ceiling
    margin: float = 0.99  # stay just under the limit, so clock drift never trips it
    burst: float = 1.0
    # Seconds added to the global window: how much later the platform may see one request than
    # another sent as soon (our clock and the platform's never line up exactly).
    jitter: float = 0.0
    _keys: dict[str, Bucket] = field(default_factory=dict)
    _global: SlidingWindow | None = None
    _blocked_until: datetime | None = None
    taken: datetime | None = None  # when the last slot was taken (read at once, no await)

    def _window(self) -> SlidingWindow:
        if self._global is None:
            # The whole limit per window, with the window stretched by the margin and jitter.
            self._global = SlidingWindow(max(1, int(self.global_rate)),
                                         1.0 / self.margin + self.jitter)
        return self._global

    def _bucket(self, key: str) -> Bucket:
        now = self.clock.now()
        if key not in self._keys:
            rate = self.per_key_rate * self.margin
            self._keys[key] = Bucket(rate, self.burst, self.burst, now)
        return self._keys[key]

    def reserve(self, key: str) -> float:
        """Take a token for ``key`` if both buckets have one and return 0, else return how many
        seconds to wait before asking again (nothing is taken then)."""
        return max(self.reserve_detail(key))

    def reserve_detail(self, key: str) -> tuple[float, float]:
        """Like ``reserve``, but says which limit holds: (wait for the key, wait for all)."""
        now = self.clock.now()
        local, shared = self._bucket(key), self._window()
        blocked = (self._blocked_until - now).total_seconds() if self._blocked_until else 0.0
        waits = (_whole_micros(local.wait(now)), _whole_micros(max(shared.wait(now), blocked)))
        if max(waits) > 0:
            return waits
        local.tokens -= 1
        shared.events.append(now)
        self.taken = now
        return 0.0, 0.0

    def take_global(self) -> float:
        """Take a slot of the global limit alone (a request that is no message to a key, such
        as opening a DM) and return 0, else return how many seconds to wait (nothing taken)."""
        now = self.clock.now()
        shared = self._window()
        blocked = (self._blocked_until - now).total_seconds() if self._blocked_until else 0.0
        wait = _whole_micros(max(shared.wait(now), blocked))
        if wait > 0:
            return wait
        shared.events.append(now)
        return 0.0

    async def wait_for_all(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
                           ) -> None:
        """Just before a request leaves: move this delivery's held slot (``HELD``) to now, or
        take a new one, waiting (on ``sleep``) while the global window is full."""
        held = HELD.get()
        if held is not None and held[0] is self:
            HELD.set(None)
            with suppress(ValueError):  # gone from the window already: nothing to give back
                self._window().events.remove(held[1])
        while (wait := self.take_global()) > 0:
            await sleep(wait)

    def penalise(self, key: str | None, retry_after: float) -> None:
        """The platform said 429: nothing more on ``key`` (or at all) until Retry-After."""
        until = self.clock.now() + timedelta(seconds=retry_after)
        if key is None:
            self._blocked_until = max(self._blocked_until or until, until)
            return
        bucket = self._bucket(key)
        bucket.blocked_until = max(bucket.blocked_until or until, until)
        bucket.tokens = min(bucket.tokens, 0.0)


@dataclass(frozen=True)
class PlatformLimits:
    """A platform's published limits for sending messages, as the limiter is configured; each
    adapter declares its own (see coachbot.platform.contract)."""

    per_channel: float  # messages per second to one channel (a DM is a channel)
    overall: float  # requests per second across the workspace or the whole bot
    jitter: float = 0.0  # seconds the global window is stretched by (RateLimiter.jitter)


def limiter_for(limits: PlatformLimits, clock: Clock) -> RateLimiter:
    return RateLimiter(clock, per_key_rate=limits.per_channel, global_rate=limits.overall,
                       jitter=limits.jitter)


class LimitedDelivery:
    """Wraps a platform send with the limiter.

    A message whose channel is at its limit is handed back to the dispatcher as RateLimited
    (it moves on to other people and retries this one after the wait); when the whole workspace
    is at its limit, waiting here is right, since nothing else could go either. A 429 from the
    platform holds the key for its Retry-After.
    """

    def __init__(self, limiter: RateLimiter, send: Callable[[Outgoing], Awaitable[str]],
                 channel_of: Callable[[Outgoing], str],
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limiter, self.send, self.channel_of, self.sleep = limiter, send, channel_of, sleep

    async def __call__(self, nudge: Outgoing) -> str:
        key = self.channel_of(nudge)
        while True:
            for_key, for_all = self.limiter.reserve_detail(key)
            if for_key > 0 and for_key >= for_all:
                raise RateLimited(for_key)
            if for_all <= 0:
                break
            await self.sleep(for_all)
        held = HELD.set((self.limiter, self.limiter.taken)) if self.limiter.taken else None
        try:
            return await self.send(nudge)
        except RateLimited as limited:
            self.limiter.penalise(key, limited.retry_after)
            raise
        finally:
            if held is not None:
                HELD.reset(held)
