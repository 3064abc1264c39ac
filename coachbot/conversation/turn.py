"""One turn of the conversation: who is speaking, what they sent, and what a handler may do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coachbot.conversation.say import Say
from coachbot.conversation.vocabulary import Event, Form, Reply, Sender
from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Actor, Role
from coachbot.services.bundle import CoachBot
from coachbot.services.district.people import actor_of
from coachbot.storage.models import District, Person


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


@dataclass(frozen=True)
class Me:
    person_id: int
    name: str
    email: str
    district_id: int
    school_id: int | None
    timezone: str
    actor: Actor

    def today(self, bot: CoachBot) -> date:
        return bot.clock.now().astimezone(ZoneInfo(self.timezone)).date()

    def is_(self, role: Role) -> bool:
        return self.actor.has_role(role, anywhere=True)

    @property
    def is_admin(self) -> bool:
        return self.actor.has_role(Role.DISTRICT_ADMIN) or self.is_(Role.SCHOOL_ADMIN)


@dataclass
class Turn:
    bot: CoachBot
    me: Me
    event: Event
    channel: Channel
    notify: Notifier
    say: Say
    commands: tuple[str, ...] = ()  # the commands this person may use, for help and hints
    news: bool = False  # something was written to the outbox that should go out at once

    def queued_news(self) -> None:
        """Ask for a dispatch pass after this turn: news in the outbox goes out right away."""
        self.news = True

    async def answer(self, family: str, message: str, /, **params: object) -> None:
        await self.channel.reply(self.say.reply(family, message, **params))

    def key(self, suffix: str = "") -> str | None:
        """An idempotency key from the platform's event id: a retried event has one effect."""
        event_id = getattr(self.event, "event_id", "")
        if not event_id:
            return None
        sender = self.event.sender
        return f"{sender.platform}:{event_id}{':' + suffix if suffix else ''}"


_COLUMNS = {"slack": Person.slack_user_id, "discord": Person.discord_user_id, "local": Person.email}


async def identify(bot: CoachBot, sender: Sender) -> Me:
    """The roster person behind a platform user; NotFound if the district has not added them."""
    column = _COLUMNS.get(sender.platform)
    if column is None:
        raise NotFound(what="person", key=sender.user_id)
    wanted = sender.user_id.strip().lower() if sender.platform == "local" else sender.user_id
    async with bot.db.read() as session:
        person = await session.scalar(
            select(Person).where(column == wanted, Person.active.is_(True)).limit(1)
        )
        if person is None:
            raise NotFound(what="person", key=sender.user_id)
        district = await session.get(District, person.district_id)
        assert district is not None
        return Me(
            person.id,
            person.name,
            person.email,
            person.district_id,
            person.school_id,
            person.timezone or district.timezone,
            actor_of(person),
        )
