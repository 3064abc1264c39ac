"""Read models of the catalog: groups by stack and pathway, one credential, who holds it."""

from __future__ import annotations

from sqlalchemy import func, select

from coachbot.domain.catalog import Credential, code_key, near_codes
from coachbot.domain.errors import NotFound
from coachbot.services.awards import completed_by
from coachbot.services.credentials.issuing import credential_url
from coachbot.services.reading.shapes import (
    AwardSummary,
    CatalogGroup,
    CredentialDetail,
)
from coachbot.storage.codec import (
    currency_from_json,
    policy_from_json,
    requirements_from_json,
    rubric_from_json,
)
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Award,
    CredentialRow,
    District,
    PathwayArea,
    PathwayAreaCredential,
    PathwayRow,
    Person,
    PersonSettings,
    School,
    StackCredential,
    StackRow,
)


class CatalogReads:
    """Read models of the catalog: groups by stack and pathway, one credential, who holds it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def catalog(self, district_id: int) -> list[CatalogGroup]:
        async with self.db.read() as session:
            creds = {
                c.id: c
                for c in await session.scalars(
                    select(CredentialRow).where(
                        CredentialRow.district_id == district_id, CredentialRow.active.is_(True)
                    )
                )
            }
            groups: list[CatalogGroup] = []
            placed: set[int] = set()
            for stack in await session.scalars(
                select(StackRow).where(StackRow.district_id == district_id).order_by(StackRow.code)
            ):
                ids = list(
                    await session.scalars(
                        select(StackCredential.credential_id)
                        .where(StackCredential.stack_id == stack.id)
                        .order_by(StackCredential.position)
                    )
                )
                placed.update(ids)
                groups.append(
                    CatalogGroup(
                        stack.title,
                        "stack",
                        [
                            (creds[i].code, creds[i].title, creds[i].hours_estimate)
                            for i in ids
                            if i in creds
                        ],
                    )
                )
            for pathway in await session.scalars(
                select(PathwayRow)
                .where(PathwayRow.district_id == district_id)
                .order_by(PathwayRow.code)
            ):
                ids = list(
                    await session.scalars(
                        select(PathwayAreaCredential.credential_id)
                        .join(PathwayArea, PathwayArea.id == PathwayAreaCredential.area_id)
                        .where(PathwayArea.pathway_id == pathway.id)
                    )
                )
                if pathway.prerequisite_credential_id:
                    ids.insert(0, pathway.prerequisite_credential_id)
                rest = [i for i in dict.fromkeys(ids) if i not in placed and i in creds]
                placed.update(rest)
                groups.append(
                    CatalogGroup(
                        pathway.title,
                        "pathway",
                        [(creds[i].code, creds[i].title, creds[i].hours_estimate) for i in rest],
                        note=pathway.outcome.get("value", ""),
                    )
                )
            others = [c for i, c in sorted(creds.items()) if i not in placed]
            if others:
                groups.append(
                    CatalogGroup("", "other", [(c.code, c.title, c.hours_estimate) for c in others])
                )
            return groups

    async def credential(
        self, district_id: int, code: str, school_id: int | None
    ) -> CredentialDetail:
        async with self.db.read() as session:
            row = await session.scalar(
                select(CredentialRow).where(
                    CredentialRow.district_id == district_id,
                    func.lower(CredentialRow.code) == code.strip().lower(),
                    CredentialRow.active.is_(True),
                )
            )
            if row is None:  # "pa2" for PA-02: the same code, typed as people do
                rows = list(await session.scalars(
                    select(CredentialRow).where(
                        CredentialRow.district_id == district_id, CredentialRow.active.is_(True)
                    )
                ))  # fmt: skip
                row = next((r for r in rows if code_key(r.code) == code_key(code)), None)
                if row is None:
                    raise NotFound(what="credential", key=code.strip(),
                                   near=near_codes(code, [r.code for r in rows]))
            district = await session.get(District, district_id)
            assert district is not None
            policy = policy_from_json(district.policy)
            school_goals: list[str] = []
            if school_id is not None:
                school = await session.get(School, school_id)
                school_goals = list(school.goals) if school else []
            holders = (
                await session.scalar(
                    select(func.count())
                    .select_from(Award)
                    .join(PersonSettings, PersonSettings.person_id == Award.teacher_id)
                    .where(
                        Award.credential_id == row.id,
                        Award.revoked_at.is_(None),
                        PersonSettings.open_to_questions.is_(True),
                    )
                )
                or 0
            )
            credential = Credential(
                row.code,
                row.title,
                row.competency,
                requirements_from_json(row.requirements),
                rubric_from_json(row.rubric),
                row.hours_estimate,
                row.issuer,
                row.description,
                tuple(row.goals),
            )
            return CredentialDetail(
                credential,
                currency_from_json(row.currency) if row.currency else policy.currency,
                policy.needs_preapproval(row.code),
                [g for g in row.goals if g in school_goals],
                holders,
            )

    async def colleagues(self, district_id: int, code: str) -> list[tuple[str, str]]:
        """(name, email) of people who hold ``code`` and agreed to be asked about it."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(Person.name, Person.email)
                .join(Award, Award.teacher_id == Person.id)
                .join(CredentialRow, CredentialRow.id == Award.credential_id)
                .join(PersonSettings, PersonSettings.person_id == Person.id)
                .where(
                    Person.district_id == district_id,
                    func.lower(CredentialRow.code) == code.strip().lower(),
                    Award.revoked_at.is_(None),
                    PersonSettings.open_to_questions.is_(True),
                )
                .order_by(Person.name)
            )
            return [(name, email) for name, email in rows.all()]

    async def award_summary(self, pursuit_id: int) -> AwardSummary:
        async with self.db.read() as session:
            award = await session.scalar(select(Award).where(Award.pursuit_id == pursuit_id))
            if award is None:
                raise NotFound(what="award", key=str(pursuit_id))
            teacher = await session.get(Person, award.teacher_id)
            credential = await session.get(CredentialRow, award.credential_id)
            district = await session.get(District, award.district_id)
            assert teacher is not None and credential is not None and district is not None
            school = await session.get(School, teacher.school_id) if teacher.school_id else None
            settings = await session.get(PersonSettings, teacher.id)
            completed = await completed_by(session, award)
            return AwardSummary(
                teacher.id,
                teacher.name,
                settings.named_in_announcements if settings else True,
                school.name if school else "",
                credential.title,
                credential.issuer,
                award.hours,
                award.points,
                award.stipend_cents,
                award.stipend_status,
                award.cpd_units,
                award.assertion_id,
                completed,
                policy_from_json(district.policy).announcement_channel,
                await credential_url(session, award.id),
            )

    async def school_goals(self, school_id: int | None) -> list[str]:
        if school_id is None:
            return []
        async with self.db.read() as session:
            school = await session.get(School, school_id)
            return list(school.goals) if school else []

