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
from coachbot.storage.catalog import CredentialRow
from coachbot.storage.database import Database
from coachbot.storage.models import Award, IssuedCredential, Person


async def revocable_of(
    db: Database, by: Actor, who: str
) -> tuple[str, str, list[Revocable]]:
    """The teacher's name, email and credentials not revoked, oldest first. ``who`` is an
    email, or a full name (any case) that only one person of the district has; ``NotFound``
    else. The email lets the reply say what to type for one beyond the buttons."""
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
        rows = await session.execute(
            select(IssuedCredential, CredentialRow.code)
            .join(Award, Award.id == IssuedCredential.award_id)
            .join(CredentialRow, CredentialRow.id == Award.credential_id)
            .where(
                Award.teacher_id == teacher.id,
                IssuedCredential.district_id == by.district_id,
                IssuedCredential.revoked_at.is_(None),
            )
            .order_by(IssuedCredential.issued_at, IssuedCredential.id)
        )
        return teacher.name, teacher.email or "", [
            Revocable(
                r.public_id, str(r.document.get("name")), teacher.name, r.issued_at, None, None,
                code,
            )
            for r, code in rows
        ]


def one_matching(held: list[Revocable], text: str) -> Revocable | None:
    """The one credential ``text`` names (``revoke EMAIL TITLE-OR-CODE``): its code or title in
    any case, else the only one whose code or title starts with it; ``None`` when none or
    several do, so nothing is revoked on a guess."""
    wanted = " ".join(text.split()).lower()
    if not wanted:
        return None
    for fits in (
        lambda c: wanted in (c.code.lower(), c.name.lower()),
        lambda c: c.code.lower().startswith(wanted) or c.name.lower().startswith(wanted),
    ):
        found = [c for c in held if fits(c)]
        if found:
            return found[0] if len(found) == 1 else None
    return None
