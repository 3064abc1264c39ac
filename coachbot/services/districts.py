"""Which district a command is about, and a summary of one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from coachbot.domain.errors import DomainError, NotFound
from coachbot.storage.database import Database
from coachbot.storage.models import (
    CredentialRow,
    District,
    PathwayArea,
    PathwayRow,
    Person,
    RoleGrantRow,
    School,
    StackRow,
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
        raise NotFound(what="district", key="(none imported yet)")
    raise DistrictChoiceNeeded(slugs=slugs)


async def district_summary(db: Database, slug: str) -> dict[str, Any]:
    async with db.read() as session:
        district = await session.scalar(select(District).where(District.slug == slug))
        if district is None:
            raise NotFound(what="district", key=slug)

        async def count(model: Any, *where: Any) -> int:
            return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0

        roles = dict(
            (
                await session.execute(
                    select(RoleGrantRow.role, func.count(func.distinct(RoleGrantRow.person_id)))
                    .join(Person, Person.id == RoleGrantRow.person_id)
                    .where(Person.district_id == district.id)
                    .group_by(RoleGrantRow.role)
                )
            ).all()
        )
        pathways = []
        for row in await session.scalars(
            select(PathwayRow)
            .where(PathwayRow.district_id == district.id)
            .order_by(PathwayRow.code)
        ):
            prerequisite = None
            if row.prerequisite_credential_id:
                prerequisite = await session.scalar(
                    select(CredentialRow.title).where(
                        CredentialRow.id == row.prerequisite_credential_id
                    )
                )
            pathways.append(
                {
                    "title": row.title,
                    "prerequisite": prerequisite,
                    "areas": await count(PathwayArea, PathwayArea.pathway_id == row.id),
                    "outcome": row.outcome["value"],
                }
            )
        return {
            "district": district,
            "roles": roles,
            "pathways": pathways,
            "schools": await count(School, School.district_id == district.id),
            "people": await count(Person, Person.district_id == district.id),
            "credentials": await count(
                CredentialRow,
                CredentialRow.district_id == district.id,
                CredentialRow.active.is_(True),
            ),
            "stacks": await count(StackRow, StackRow.district_id == district.id),
        }
