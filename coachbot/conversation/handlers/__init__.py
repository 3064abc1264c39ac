"""Handlers, one module per part of the journey, named as the service wings are;
``build_registry`` collects them all."""

from __future__ import annotations

from coachbot.conversation.handlers import (
    approvals,
    attempts,
    calibration,
    catalog,
    committees,
    credentials,
    district,
    evidence,
    extensions,
    extra_tries,
    feedback,
    files,
    filing,
    hand_in,
    joining,
    journey,
    ledger,
    nudging,
    onboarding,
    planning,
    recognising,
    reviews,
)
from coachbot.conversation.registry import Registry

MODULES = (
    onboarding,
    district,
    joining,
    nudging,
    catalog,
    journey,
    ledger,
    committees,
    feedback,
    approvals,
    planning,
    evidence,
    hand_in,
    files,
    filing,
    reviews,
    calibration,
    extra_tries,
    extensions,
    attempts,
    credentials,
    recognising,
)

# The order `help` lists a person's commands in: getting started, a teacher's journey, then
# reviewing and leading. A command missing here is listed after these.
HELP_ORDER = (
    "help", "start", "join", "leave", "snooze", "mute", "unmute", "privacy", "why",
    "catalog", "show", "colleagues", "choose", "status", "feedback", "withdraw", "helpme",
    "plan", "deadline", "done", "draft", "send", "submit", "clear", "selfcheck", "files",
    "badges", "badge", "verify", "recognize", "queue", "review", "handoff", "approvals",
    "approve", "cohort", "extend", "policy",
    "progress", "calibration", "undelivered", "revoke", "recognitions",
)  # fmt: skip


def build_registry() -> Registry:
    registry = Registry()
    for module in MODULES:
        module.register(registry)
    registry.arrange(HELP_ORDER)
    return registry
