"""The chat platforms ``coachbot run`` can start, found through the ``coachbot.platforms`` entry
point group, and what runs beside them (``coachbot.listeners``: the evidence file listener), so
the core names no adapter.

Each entry point names a ``Platform`` (coachbot.platform.contract): the ways it can connect (each
with the settings it needs), whether the environment configures it, its sending limits, and an
async runner that holds the platform's conversation (and its nudge delivery) until cancelled.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Protocol

from coachbot.composition import Services
from coachbot.platform.contract import Platform

GROUP = "coachbot.platforms"
# What runs beside every platform, in every mode: the file listener (adapters/web).
LISTENERS = "coachbot.listeners"


def installed_platforms() -> list[Platform]:
    return [entry.load() for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name)]


class Listener(Protocol):
    name: str

    async def run(self, services: Services) -> None:
        """Serve until cancelled."""
        ...


def installed_listeners() -> list[Listener]:
    return [entry.load() for entry in sorted(entry_points(group=LISTENERS), key=lambda e: e.name)]
