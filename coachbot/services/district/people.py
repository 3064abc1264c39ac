"""Finding people: who a platform user is on the roster, and turning a person into an actor
with their roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Actor, Role, RoleGrant
from coachbot.storage.database import Database
from coachbot.storage.models import District, Person


def actor_of(person: Person) -> Actor:
    return Actor(
        person_id=person.id,
        district_id=person.district_id,
        grants=frozenset(RoleGrant(Role(g.role), g.school_id) for g in person.grants),
        name=person.name,
    )


async def person_by_email(session: AsyncSession, email: str) -> Person:
    wanted = email.strip().lower()
    person = await session.scalar(
        select(Person).where(Person.email == wanted, Person.active.is_(True)).limit(1)
    )
    if person is None:
        raise NotFound(what="person", key=email.strip())
    return person


async def actor_by_email(session: AsyncSession, email: str) -> Actor:
    return actor_of(await person_by_email(session, email))


@dataclass(frozen=True)
class Identity:
    """A roster person as the conversation knows them for one turn."""

    person_id: int
    name: str
    email: str
    district_id: int
    school_id: int | None
    timezone: str  # their own, or the district's when they have not chosen one
    actor: Actor

    def today(self, now: datetime) -> date:
        """The date it is for them, in their own time zone."""
        return now.astimezone(ZoneInfo(self.timezone)).date()

    def is_(self, role: Role) -> bool:
        return self.actor.has_role(role, anywhere=True)

    @property
    def is_admin(self) -> bool:
        return self.actor.has_role(Role.DISTRICT_ADMIN) or self.is_(Role.SCHOOL_ADMIN)


# How each platform names a person on the roster ("local" is the terminal: the email itself).
_COLUMNS = {"slack": Person.slack_user_id, "discord": Person.discord_user_id, "local": Person.email}


class PeopleDirectory:
    """Who is speaking: the roster person behind a platform's user id."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def identify(self, platform: str, user_id: str) -> Identity:
        """NotFound when the platform is unknown or the district has not added this person."""
        column = _COLUMNS.get(platform)
        if column is None:
            raise NotFound(what="person", key=user_id)
        wanted = user_id.strip().lower() if platform == "local" else user_id
        async with self.db.read() as session:
            person = await session.scalar(
                select(Person).where(column == wanted, Person.active.is_(True)).limit(1)
            )
            if person is None:
                raise NotFound(what="person", key=user_id)
            district = await session.get(District, person.district_id)
            assert district is not None
            return Identity(
                person.id,
                person.name,
                person.email,
                person.district_id,
                person.school_id,
                person.timezone or district.timezone,
                actor_of(person),
            )
