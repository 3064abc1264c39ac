"""Nudges: the sweep finds what is due in the journey's tables and writes it to the outbox; the
dispatcher delivers it through the platform's adapter; the history reads what happened."""

from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.history import DeadLetter, NudgeLine, OutboxHistory
from coachbot.services.nudging.outgoing import (
    DeliveryFailed,
    DispatchResult,
    Outgoing,
    RateLimited,
    WaitsForChat,
)
from coachbot.services.nudging.quiet import NightHold
from coachbot.services.nudging.sweep import Sweep, SweepResult

__all__ = [
    "DeadLetter",
    "DeliveryFailed",
    "DispatchResult",
    "Dispatcher",
    "NightHold",
    "NudgeLine",
    "OutboxHistory",
    "Outgoing",
    "RateLimited",
    "Sweep",
    "SweepResult",
    "WaitsForChat",
]
