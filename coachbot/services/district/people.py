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
from coachbot.services.district.districts import DistrictChoiceNeeded
from coachbot.storage.database import Database
from coachbot.storage.models import District, Person, PlatformAccount


def actor_of(person: Person) -> Actor:
    return Actor(
        person_id=person.id,
        district_id=person.district_id,
        grants=frozenset(RoleGrant(Role(g.role), g.school_id) for g in person.grants),
        name=person.name,
    )


async def person_by_email(session: AsyncSession, email: str, district: int | str | None) -> Person:
    """The active person with ``email`` in ``district`` (its id, or its slug as typed at the
    command line). An email is unique only within a district: given no district, an email
    found in several is never guessed (``DistrictChoiceNeeded`` names them)."""
    wanted = email.strip().lower()
    statement = select(Person).where(Person.email == wanted, Person.active.is_(True))
    if isinstance(district, int):
        statement = statement.where(Person.district_id == district)
    elif district is not None:
        statement = statement.join(District, District.id == Person.district_id).where(
            District.slug == district
        )
    found = list(await session.scalars(statement.order_by(Person.id).limit(2)))
    if not found:
        raise NotFound(what="person", key=email.strip())
    if len(found) > 1:
        slugs = await session.scalars(
            select(District.slug)
            .join(Person, Person.district_id == District.id)
            .where(Person.email == wanted, Person.active.is_(True))
            .order_by(District.slug)
        )
        raise DistrictChoiceNeeded(slugs=list(dict.fromkeys(slugs)), email=wanted)
    return found[0]


async def actor_by_email(
    session: AsyncSession, email: str, district: int | str | None = None
) -> Actor:
    return actor_of(await person_by_email(session, email, district))


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


# The terminal names a person by their email; every other platform by its account id
# (platform_accounts, kept by coachbot.services.district.accounts).
LOCAL = "local"


class PeopleDirectory:
    """Who is speaking: the roster person behind a platform's user id."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def identify(self, platform: str, user_id: str, district: str = "") -> Identity:
        """NotFound when the district has not added this person (on this platform).

        ``district`` (a slug) is the district the platform speaks for (the terminal's
        ``--district``); without it, a person found in several districts is never guessed:
        ``DistrictChoiceNeeded`` names them."""
        wanted = user_id.strip().lower() if platform == LOCAL else user_id
        async with self.db.read() as session:
            statement = select(Person).where(Person.active.is_(True))
            if platform == LOCAL:
                statement = statement.where(Person.email == wanted)
            else:
                statement = statement.join(
                    PlatformAccount, PlatformAccount.person_id == Person.id
                ).where(PlatformAccount.platform == platform, PlatformAccount.account_id == wanted)
            if district:
                statement = statement.join(District, District.id == Person.district_id).where(
                    District.slug == district
                )
            found = list(await session.scalars(statement.order_by(Person.id).limit(2)))
            if not found:
                raise NotFound(what="person", key=user_id)
            if len(found) > 1:
                slugs = await session.scalars(
                    select(District.slug).where(District.id.in_([p.district_id for p in found]))
                )
                raise DistrictChoiceNeeded(slugs=sorted(slugs), email=wanted)
            person = found[0]
            home = await session.get(District, person.district_id)
            assert home is not None
            return Identity(
                person.id,
                person.name,
                person.email,
                person.district_id,
                person.school_id,
                person.timezone or home.timezone,
                actor_of(person),
            )
