"""Finding a credential to revoke by its teacher: ``revoke EMAIL`` (or a full name) lists the
teacher's credentials still standing, so an admin who has no link (a trial admin typed the
teacher's email and was told it "isn't a credential's link or id") can still pick one.

Only the admin's own district is searched: a teacher of another district is answered as an
unknown person, so nothing about her is confirmed.
"""

from __future__ import annotations

from sqlalchemy import func, select

from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Actor
from coachbot.services.credentials.revoking import Revocable
from coachbot.storage.database import Database
from coachbot.storage.models import Award, IssuedCredential, Person


async def revocable_of(db: Database, by: Actor, who: str) -> tuple[str, list[Revocable]]:
    """The teacher's name and her credentials not revoked, oldest first. ``who`` is an email,
    or a full name (any case) that only one person of the district has; ``NotFound`` else."""
    wanted = " ".join(who.split())
    async with db.read() as session:
        column = Person.email if "@" in wanted else func.lower(Person.name)
        people = list(
            await session.scalars(
                select(Person)
                .where(Person.district_id == by.district_id, column == wanted.lower())
                .limit(2)
            )
        )
        if len(people) != 1:  # none, or two namesakes: the email tells them apart
            raise NotFound(what="person", key=wanted[:80])
        teacher = people[0]
        rows = await session.scalars(
            select(IssuedCredential)
            .join(Award, Award.id == IssuedCredential.award_id)
            .where(
                Award.teacher_id == teacher.id,
                IssuedCredential.district_id == by.district_id,
                IssuedCredential.revoked_at.is_(None),
            )
            .order_by(IssuedCredential.issued_at, IssuedCredential.id)
        )
        return teacher.name, [
            Revocable(
                r.public_id, str(r.document.get("name")), teacher.name, r.issued_at, None, None
            )
            for r in rows
        ]
