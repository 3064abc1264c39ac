"""What the dispatcher hands a platform, what the platform may answer, and what a pass did.

Its own module because both sides use it: the core's dispatcher and every platform's sender
(``platform.contract``, the adapters) speak in these types, and neither needs the other's
machinery (claims, leases, the humane rules) to do so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from coachbot.domain.nudges import NudgeKind


@dataclass(frozen=True)
class Outgoing:
    id: int
    key: str
    person_id: int
    kind: NudgeKind
    subject: str
    params: dict[str, Any]
    timezone: str = "UTC"  # the recipient's own (or their district's): dates read in it


class RateLimited(Exception):
    """The platform asked us to slow down (HTTP 429 with Retry-After)."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"retry after {retry_after}s")


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        self.permanent = permanent
        super().__init__(reason)


class WaitsForChat(Exception):
    """The platform reaches the person only while they have the chat open (the terminal): the
    message is not failed, it waits in the outbox, never retried on a timer, and goes when they
    next open the chat (``Dispatcher.deliver_waiting``). Not a ``DeliveryFailed``: nothing is
    wrong for an admin to fix."""


# Delivers one nudge through the platform and returns its message id.
Deliver = Callable[[Outgoing], Awaitable[str]]


@dataclass
class DispatchResult:
    sent: int = 0
    deferred: int = 0
    dropped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    retried: int = 0
    dead: int = 0
    waiting: int = 0  # kept for people who read them when they next open the chat
