"""Finding people and turning them into actors with their roles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Actor, Role, RoleGrant
from coachbot.storage.models import Person


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
