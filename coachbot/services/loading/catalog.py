"""Store a validated catalog: the district, its schools, policy, credentials, stacks, pathways.

Re-importing updates in place by code. A credential missing from the new file is retired
(``active = false``), never deleted, so pursuits, evidence and awards that point at it survive.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.roles import Actor
from coachbot.importing.catalog_reader import CatalogSpec
from coachbot.services.record import audit
from coachbot.storage.codec import (
    currency_to_json,
    outcome_to_json,
    policy_to_json,
    requirements_to_json,
    rubric_to_json,
)
from coachbot.storage.database import Database
from coachbot.storage.models import (
    CredentialRow,
    District,
    PathwayArea,
    PathwayAreaCredential,
    PathwayRow,
    School,
    StackCredential,
    StackRow,
)


@dataclass(frozen=True)
class CatalogImported:
    district_id: int
    created: int
    updated: int
    retired: int
    stacks: int
    pathways: int


class CatalogLoader:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def load(self, spec: CatalogSpec, *, source: str = "") -> CatalogImported:
        async with self.db.write() as session:
            now = self.clock.now()
            district = await session.scalar(select(District).where(District.slug == spec.slug))
            if district is None:
                district = District(
                    slug=spec.slug,
                    name=spec.name,
                    timezone=spec.timezone,
                    policy=policy_to_json(spec.policy),
                    created_at=now,
                    updated_at=now,
                )
                session.add(district)
                await session.flush()
            else:
                district.name, district.timezone = spec.name, spec.timezone
                district.policy, district.updated_at = policy_to_json(spec.policy), now
            district.website, district.email, district.image = spec.website, spec.email, spec.image
            await self._schools(session, district.id, spec)
            ids, created, updated, retired = await self._credentials(session, district.id, spec)
            await self._stacks(session, district.id, spec, ids)
            await self._pathways(session, district.id, spec, ids)
            audit.record(
                session,
                at=now,
                actor=Actor.system(district.id),
                district_id=district.id,
                subject_type="district",
                subject_id=district.id,
                action="import_catalog",
                details={
                    "source": source,
                    "created": created,
                    "updated": updated,
                    "retired": retired,
                },
            )
            return CatalogImported(
                district.id, created, updated, retired, len(spec.stacks), len(spec.pathways)
            )

    async def _schools(self, session: AsyncSession, district_id: int, spec: CatalogSpec) -> None:
        existing = {
            s.code: s
            for s in await session.scalars(select(School).where(School.district_id == district_id))
        }
        for school in spec.schools:
            row = existing.get(school.code)
            if row is None:
                session.add(
                    School(
                        district_id=district_id,
                        code=school.code,
                        name=school.name,
                        goals=list(school.goals),
                    )
                )
            else:
                row.name, row.goals = school.name, list(school.goals)

    async def _credentials(
        self, session: AsyncSession, district_id: int, spec: CatalogSpec
    ) -> tuple[dict[str, int], int, int, int]:
        now = self.clock.now()
        existing = {
            c.code: c
            for c in await session.scalars(
                select(CredentialRow).where(CredentialRow.district_id == district_id)
            )
        }
        created = updated = 0
        for cred in spec.credentials:
            override = spec.currency_overrides.get(cred.code)
            values = {
                "title": cred.title,
                "competency": cred.competency,
                "description": cred.description,
                "issuer": cred.issuer,
                "hours_estimate": cred.hours_estimate,
                "requirements": requirements_to_json(cred.requirements),
                "rubric": rubric_to_json(cred.rubric),
                "goals": list(cred.goals),
                "currency": currency_to_json(override) if override else None,
                "valid_months": cred.valid_months,
                "active": True,
            }
            row = existing.get(cred.code)
            if row is None:
                row = CredentialRow(
                    district_id=district_id,
                    code=cred.code,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
                session.add(row)
                existing[cred.code] = row
                created += 1
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_at = now
                updated += 1
        wanted = {c.code for c in spec.credentials}
        retired = 0
        for code, row in existing.items():
            if code not in wanted and row.active:
                row.active, row.updated_at = False, now
                retired += 1
        await session.flush()
        return {code: row.id for code, row in existing.items()}, created, updated, retired

    async def _stacks(
        self, session: AsyncSession, district_id: int, spec: CatalogSpec, ids: dict[str, int]
    ) -> None:
        existing = {
            s.code: s
            for s in await session.scalars(
                select(StackRow).where(StackRow.district_id == district_id)
            )
        }
        for stack in spec.stacks:
            row = existing.get(stack.code)
            if row is None:
                row = StackRow(
                    district_id=district_id,
                    code=stack.code,
                    title=stack.title,
                    description=stack.description,
                )
                session.add(row)
                await session.flush()
            else:
                row.title, row.description = stack.title, stack.description
                await session.execute(
                    delete(StackCredential).where(StackCredential.stack_id == row.id)
                )
            session.add_all(
                StackCredential(stack_id=row.id, credential_id=ids[code], position=i)
                for i, code in enumerate(stack.credential_codes)
            )

    async def _pathways(
        self, session: AsyncSession, district_id: int, spec: CatalogSpec, ids: dict[str, int]
    ) -> None:
        existing = {
            p.code: p
            for p in await session.scalars(
                select(PathwayRow).where(PathwayRow.district_id == district_id)
            )
        }
        for pathway in spec.pathways:
            prerequisite = ids[pathway.prerequisite_code] if pathway.prerequisite_code else None
            row = existing.get(pathway.code)
            if row is None:
                row = PathwayRow(
                    district_id=district_id,
                    code=pathway.code,
                    title=pathway.title,
                    description=pathway.description,
                    prerequisite_credential_id=prerequisite,
                    outcome=outcome_to_json(pathway.outcome),
                )
                session.add(row)
                await session.flush()
            else:
                row.title, row.description = pathway.title, pathway.description
                row.prerequisite_credential_id = prerequisite
                row.outcome = outcome_to_json(pathway.outcome)
                await session.execute(delete(PathwayArea).where(PathwayArea.pathway_id == row.id))
            for position, area in enumerate(pathway.areas):
                area_row = PathwayArea(
                    pathway_id=row.id,
                    name=area.name,
                    required_count=area.required_count,
                    position=position,
                )
                session.add(area_row)
                await session.flush()
                session.add_all(
                    PathwayAreaCredential(area_id=area_row.id, credential_id=ids[c])
                    for c in area.credential_codes
                )
