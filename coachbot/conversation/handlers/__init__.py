"""Handlers, one module per part of the journey; ``build_registry`` collects them all."""

from __future__ import annotations

from coachbot.conversation.handlers import (
    admin,
    calibrating,
    catalog,
    checking,
    deliveries,
    evidence,
    general,
    hand_in,
    planning,
    pursuits,
    reviewing,
    tries,
)
from coachbot.conversation.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    for module in (
        general,
        catalog,
        pursuits,
        planning,
        evidence,
        hand_in,
        checking,
        reviewing,
        admin,
        calibrating,
        deliveries,
        tries,
    ):
        module.register(registry)
    return registry
