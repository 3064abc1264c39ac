"""The chat platforms ``coachbot run`` can start, found through the ``coachbot.platforms`` entry
point group, so the core names no adapter.

Each entry point names an object with this shape: the ways it can connect (each with the settings
it needs), whether the environment configures it, and an async runner that holds the platform's
conversation (and its nudge delivery) until cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Protocol

from coachbot.composition import Services

GROUP = "coachbot.platforms"


class Platform(Protocol):
    name: str

    def ways(self) -> Mapping[str, tuple[str, ...]]:
        """Each way to connect (e.g. "Socket Mode") and the settings it needs."""
        ...

    def configured(self) -> bool: ...

    async def run(self, services: Services) -> None: ...


def installed_platforms() -> list[Platform]:
    return [entry.load() for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name)]
