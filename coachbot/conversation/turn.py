"""One turn of the conversation: who is speaking, what they sent, and what a handler may do.

A handler receives a ``Turn`` and nothing else: the person (``me``), the event, ways to answer
(``reply``, ``open_form``, ``answer``) and to reach others (``notify``), the clock, the read
models (``read``) and the use cases that change the record (``use``). It never sees the
database or the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from coachbot.clock import Clock
from coachbot.conversation.capabilities import UseCases
from coachbot.conversation.say import Say
from coachbot.conversation.vocabulary import Event, Form, Reply
from coachbot.services.district import Identity
from coachbot.services.reading import ReadModels

# The person speaking, as the roster knows them.
Me = Identity


class Channel(Protocol):
    """How a handler answers the person it is talking to; the adapter implements it."""

    async def reply(self, reply: Reply) -> None: ...

    async def open_form(self, form: Form) -> None: ...


class Notifier(Protocol):
    """How the conversation reaches other people and district channels."""

    async def to_person(self, person_id: int, reply: Reply) -> str | None:
        """Deliver to one person; returns the platform's message id when it gives one."""
        ...

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None: ...


@dataclass
class Turn:
    me: Me
    event: Event
    channel: Channel
    notify: Notifier
    say: Say
    clock: Clock
    read: ReadModels
    use: UseCases
    commands: tuple[str, ...] = ()  # the commands this person may use, for help and hints
    news: bool = False  # something was written to the outbox that should go out at once

    async def reply(self, reply: Reply) -> None:
        await self.channel.reply(reply)

    async def open_form(self, form: Form) -> None:
        await self.channel.open_form(form)

    async def answer(self, family: str, message: str, /, **params: Any) -> None:
        """Reply with one message from ``prompts/<locale>/<family>``."""
        await self.channel.reply(self.say.reply(family, message, **params))

    def today(self) -> date:
        """Today in the speaker's own time zone."""
        return self.me.today(self.clock.now())

    def queued_news(self) -> None:
        """Ask for a dispatch pass after this turn: news in the outbox goes out right away."""
        self.news = True

    def key(self, suffix: str = "") -> str | None:
        """An idempotency key for this request: a retried event has one effect.

        The key names the platform, the person and the platform's event id. An adapter's event
        ids are unique, but the person is in the key all the same: a replayed key must only ever
        answer the person who made the request, with their own outcome, never a colleague's.
        """
        event_id = getattr(self.event, "event_id", "")
        if not event_id:
            return None
        sender = self.event.sender
        key = f"{sender.platform}:{sender.user_id}:{event_id}"
        return f"{key}:{suffix}" if suffix else key
