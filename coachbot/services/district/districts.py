"""Which district a command is about, and a summary of one."""

from __future__ import annotations

from sqlalchemy import select

from coachbot.domain.errors import DomainError, NotFound, PreconditionFailed
from coachbot.storage.database import Database
from coachbot.storage.models import (
    District,
)


class DistrictChoiceNeeded(DomainError):
    code = "choose_district"


async def pick_district(db: Database, slug: str | None) -> str:
    """The district named, or the only one there is."""
    async with db.read() as session:
        slugs = list(await session.scalars(select(District.slug).order_by(District.slug)))
    if slug:
        if slug not in slugs:
            raise NotFound(what="district", key=slug)
        return slug
    if len(slugs) == 1:
        return slugs[0]
    if not slugs:
        raise PreconditionFailed(need="catalog_first")
    raise DistrictChoiceNeeded(slugs=slugs)
