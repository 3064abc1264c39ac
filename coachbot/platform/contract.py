"""The adapter contract: everything a chat platform adapter implements or is handed, in one place.

An adapter translates and nothing more (docs/adapters.md). It implements:

- ``Platform``: what ``coachbot run`` finds through the ``coachbot.platforms`` entry point group:
  its name, its published sending ``limits``, the ways it connects, whether the environment
  configures it, and ``run`` (serve until cancelled, inside ``serving``);
- ``Channel``: answering the person of one turn (``reply``; ``open_form`` as the platform's form,
  or, where a form cannot open now, a button that opens it later: ``KeptForms``);
- ``Notifier``: reaching a person (a direct message) or a district's channel, raising only
  ``DeliveryFailed`` (``permanent`` when trying again cannot help) and ``RateLimited`` (with the
  platform's retry-after). The core decides what a failure means: the dispatcher retries or
  dead-letters, a turn's news to others is logged and the turn goes on.

It is handed: the conversation (``build_conversation``) and the nudges (``build_nudging`` with a
``limiter_for`` its limits), ``TurnRunner`` (acknowledge first, work after), ``first_delivery``
(an event claimed once), ``KeptForms`` and ``form_pages`` (forms across a click and in pages),
``Accounts`` (people and workspaces by the platform's ids), ``overview`` (a person's home),
``settle`` (a serving process's start-up kept out of full garbage collections; ``serving``
settles on entry, a listener once it is bound).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from coachbot.composition import Nudging, Services, build_conversation, build_nudging
from coachbot.conversation.form_pages import form_pages
from coachbot.conversation.nudges import delivery_key
from coachbot.conversation.turn import Channel, Notifier
from coachbot.platform.accounts import Accounts, EmailLookup
from coachbot.platform.events import first_delivery
from coachbot.platform.forms import OPEN_FORM, KeptForms, PageAnswered, opened, opening
from coachbot.platform.heap import settle
from coachbot.platform.overview import overview
from coachbot.platform.serving import serving, worker_name
from coachbot.platform.turns import TurnRunner
from coachbot.services.nudging.outgoing import DeliveryFailed, RateLimited
from coachbot.services.nudging.ratelimit import PlatformLimits, RateLimiter, limiter_for

__all__ = [
    "OPEN_FORM",
    "Accounts",
    "Channel",
    "DeliveryFailed",
    "EmailLookup",
    "KeptForms",
    "Notifier",
    "Nudging",
    "PageAnswered",
    "Platform",
    "PlatformLimits",
    "RateLimited",
    "RateLimiter",
    "Services",
    "TurnRunner",
    "build_conversation",
    "build_nudging",
    "delivery_key",
    "first_delivery",
    "form_pages",
    "limiter_for",
    "opened",
    "opening",
    "overview",
    "serving",
    "settle",
    "worker_name",
]


class Platform(Protocol):
    """A chat platform as ``coachbot run`` starts it."""

    name: str  # also the ``Sender.platform`` of its events and its accounts' platform
    limits: PlatformLimits  # its published sending limits, declared by the adapter

    def ways(self) -> Mapping[str, tuple[str, ...]]:
        """Each way to connect (e.g. "Socket Mode") and the settings it needs."""
        ...

    def configured(self) -> bool: ...

    async def run(self, services: Services) -> None:
        """Serve until cancelled, with the nudge ticker beside it (``serving``)."""
        ...
