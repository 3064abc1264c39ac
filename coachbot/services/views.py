"""Read models for the conversation: the catalog, a credential, queues and lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from coachbot.domain.catalog import Credential
from coachbot.domain.errors import NotFound
from coachbot.domain.journey import OPEN_STATES, State
from coachbot.domain.policy import Currency, Window
from coachbot.domain.roles import Actor, Role
from coachbot.services.planning import window_for
from coachbot.storage.codec import (
    currency_from_json,
    policy_from_json,
    requirements_from_json,
    rubric_from_json,
)
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Award,
    Cohort,
    CohortMember,
    Completion,
    CredentialRow,
    District,
    MilestoneRow,
    PathwayArea,
    PathwayAreaCredential,
    PathwayRow,
    Person,
    PersonSettings,
    Pursuit,
    Review,
    RoleGrantRow,
    School,
    StackCredential,
    StackRow,
    WorkPlan,
)


@dataclass(frozen=True)
class CatalogGroup:
    title: str
    kind: str  # stack | pathway | other
    credentials: list[tuple[str, str, float]]  # (code, title, hours estimate)
    note: str = ""  # a pathway's outcome


@dataclass(frozen=True)
class CredentialDetail:
    credential: Credential
    currency: Currency
    needs_approval: bool
    matching_goals: list[str]
    holders_open_to_questions: int


@dataclass(frozen=True)
class QueueItem:
    review_id: int
    purpose: str
    teacher: str
    credential: str
    assigned_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class AwardSummary:
    teacher_id: int
    teacher: str
    named: bool
    school: str
    credential: str
    issuer: str
    hours: float
    points: float
    stipend_cents: int
    stipend_status: str
    cpd_units: int
    assertion_id: str
    completed: list[tuple[str, str, str]]  # (kind, title, outcome) of stacks and pathways
    channel: str | None


@dataclass(frozen=True)
class PursuitRef:
    pursuit_id: int
    code: str
    title: str
    state: str
    version: int
    teacher: str


class Views:
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
            if row is None:
                raise NotFound(what="credential", key=code.strip())
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
                        Award.credential_id == row.id, PersonSettings.open_to_questions.is_(True)
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

    async def pursuit_by_code(self, teacher_id: int, code: str | None) -> PursuitRef | None:
        """The teacher's open pursuit of ``code``; without a code, their most recent open one."""
        async with self.db.read() as session:
            query = (
                select(
                    Pursuit.id,
                    CredentialRow.code,
                    CredentialRow.title,
                    Pursuit.state,
                    Pursuit.version,
                    Person.name,
                )
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .join(Person, Person.id == Pursuit.teacher_id)
                .where(
                    Pursuit.teacher_id == teacher_id,
                    Pursuit.state.in_([s.value for s in OPEN_STATES]),
                )
                .order_by(Pursuit.updated_at.desc())
            )
            if code:
                query = query.where(func.lower(CredentialRow.code) == code.strip().lower())
            row = (await session.execute(query.limit(1))).first()
            return PursuitRef(*row) if row else None

    async def pursuit(self, pursuit_id: int) -> PursuitRef:
        async with self.db.read() as session:
            row = (
                await session.execute(
                    select(
                        Pursuit.id,
                        CredentialRow.code,
                        CredentialRow.title,
                        Pursuit.state,
                        Pursuit.version,
                        Person.name,
                    )
                    .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                    .join(Person, Person.id == Pursuit.teacher_id)
                    .where(Pursuit.id == pursuit_id)
                )
            ).first()
            if row is None:
                raise NotFound(what="pursuit", key=str(pursuit_id))
            return PursuitRef(*row)

    async def queue(self, reviewer_id: int) -> list[QueueItem]:
        async with self.db.read() as session:
            rows = await session.execute(
                select(
                    Review.id,
                    Review.purpose,
                    Person.name,
                    CredentialRow.title,
                    Review.assigned_at,
                    Review.due_at,
                )
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .join(Person, Person.id == Pursuit.teacher_id)
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .where(Review.reviewer_id == reviewer_id, Review.status == "assigned")
                .order_by(Review.due_at, Review.id)
            )
            return [QueueItem(*r) for r in rows.all()]

    async def approvals(self, actor: Actor) -> list[PursuitRef]:
        """Requests waiting for pre-approval that this person may decide (never their own)."""
        async with self.db.read() as session:
            district = await session.get(District, actor.district_id)
            if district is None:
                return []
            roles = policy_from_json(district.policy).approver_roles
            rows = await session.execute(
                select(
                    Pursuit.id,
                    CredentialRow.code,
                    CredentialRow.title,
                    Pursuit.state,
                    Pursuit.version,
                    Person.name,
                    Person.school_id,
                )
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .join(Person, Person.id == Pursuit.teacher_id)
                .where(
                    Pursuit.district_id == actor.district_id,
                    Pursuit.state == State.AWAITING_APPROVAL.value,
                    Pursuit.teacher_id != actor.person_id,
                )
                .order_by(Pursuit.updated_at)
            )
            return [
                PursuitRef(*r[:6])
                for r in rows.all()
                if any(actor.has_role(role, school_id=r[6]) for role in roles)
            ]

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
                    PersonSettings.open_to_questions.is_(True),
                )
                .order_by(Person.name)
            )
            return [(name, email) for name, email in rows.all()]

    async def cohorts(self, district_id: int) -> list[tuple[int, str]]:
        async with self.db.read() as session:
            rows = await session.execute(
                select(Cohort.id, Cohort.name)
                .where(Cohort.district_id == district_id)
                .order_by(Cohort.starts_on.desc())
            )
            return [(cid, name) for cid, name in rows.all()]

    async def facilitators_of(self, pursuit_id: int) -> list[int]:
        """Whom a teacher's "I need help" reaches: their cohort's facilitators."""
        async with self.db.read() as session:
            cohort = await session.scalar(select(Pursuit.cohort_id).where(Pursuit.id == pursuit_id))
            if cohort is None:
                return []
            return list(
                await session.scalars(
                    select(CohortMember.person_id).where(
                        CohortMember.cohort_id == cohort,
                        CohortMember.role == Role.FACILITATOR.value,
                    )
                )
            )

    async def school_goals(self, school_id: int | None) -> list[str]:
        if school_id is None:
            return []
        async with self.db.read() as session:
            school = await session.get(School, school_id)
            return list(school.goals) if school else []

    async def my_cohorts(self, person_id: int) -> list[str]:
        async with self.db.read() as session:
            rows = await session.scalars(
                select(Cohort.name)
                .join(CohortMember, CohortMember.cohort_id == Cohort.id)
                .where(CohortMember.person_id == person_id)
                .order_by(Cohort.starts_on.desc())
            )
            return list(dict.fromkeys(rows))

    async def joinable_cohorts(self, person_id: int) -> list[tuple[int, str]]:
        """Cohorts a teacher may join: district-wide ones and their own school's, not ended."""
        async with self.db.read() as session:
            person = await session.get(Person, person_id)
            assert person is not None
            mine = set(
                await session.scalars(
                    select(CohortMember.cohort_id).where(CohortMember.person_id == person_id)
                )
            )
            rows = await session.execute(
                select(Cohort.id, Cohort.name)
                .where(
                    Cohort.district_id == person.district_id,
                    (Cohort.school_id.is_(None)) | (Cohort.school_id == person.school_id),
                )
                .order_by(Cohort.starts_on.desc())
            )
            return [(cid, name) for cid, name in rows.all() if cid not in mine]

    async def approvers_for(self, pursuit_id: int) -> list[int]:
        """Who may decide this pre-approval request under the district's policy."""
        async with self.db.read() as session:
            pursuit = await session.get(Pursuit, pursuit_id)
            if pursuit is None:
                raise NotFound(what="pursuit", key=str(pursuit_id))
            teacher = await session.get(Person, pursuit.teacher_id)
            district = await session.get(District, pursuit.district_id)
            assert teacher is not None and district is not None
            roles = {r.value for r in policy_from_json(district.policy).approver_roles}
            rows = await session.execute(
                select(RoleGrantRow.person_id, RoleGrantRow.role, RoleGrantRow.school_id)
                .join(Person, Person.id == RoleGrantRow.person_id)
                .where(
                    Person.district_id == pursuit.district_id,
                    Person.active.is_(True),
                    RoleGrantRow.role.in_(roles),
                )
            )
            return sorted(
                {
                    pid
                    for pid, role, school in rows.all()
                    if pid != pursuit.teacher_id and (school is None or school == teacher.school_id)
                }
            )

    async def district_admins(self, district_id: int) -> list[int]:
        async with self.db.read() as session:
            return sorted(
                set(
                    await session.scalars(
                        select(RoleGrantRow.person_id)
                        .join(Person, Person.id == RoleGrantRow.person_id)
                        .where(
                            Person.district_id == district_id,
                            Person.active.is_(True),
                            RoleGrantRow.role == Role.DISTRICT_ADMIN.value,
                        )
                    )
                )
            )

    async def plan(self, pursuit_id: int) -> tuple[date | None, list[tuple[int, str, date, bool]]]:
        """(deadline, [(milestone id, title, due, done)]) of a pursuit's plan."""
        async with self.db.read() as session:
            plan = await session.scalar(select(WorkPlan).where(WorkPlan.pursuit_id == pursuit_id))
            if plan is None:
                return None, []
            rows = await session.execute(
                select(
                    MilestoneRow.id, MilestoneRow.title, MilestoneRow.due_on, MilestoneRow.done_at
                )
                .where(MilestoneRow.plan_id == plan.id)
                .order_by(MilestoneRow.position)
            )
            return plan.deadline, [
                (mid, title, due, done is not None) for mid, title, due, done in rows.all()
            ]

    async def window(self, pursuit_id: int) -> Window | None:
        async with self.db.read() as session:
            pursuit = await session.get(Pursuit, pursuit_id)
            if pursuit is None:
                raise NotFound(what="pursuit", key=str(pursuit_id))
            return await window_for(session, pursuit)

    async def person_name(self, person_id: int) -> str:
        async with self.db.read() as session:
            person = await session.get(Person, person_id)
            return person.name if person else ""

    async def teacher_of(self, pursuit_id: int) -> int:
        async with self.db.read() as session:
            teacher = await session.scalar(
                select(Pursuit.teacher_id).where(Pursuit.id == pursuit_id)
            )
            if teacher is None:
                raise NotFound(what="pursuit", key=str(pursuit_id))
            return teacher

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
            completed: list[tuple[str, str, str]] = []
            for done in await session.scalars(
                select(Completion).where(
                    Completion.teacher_id == teacher.id, Completion.completed_at == award.awarded_at
                )
            ):
                model = StackRow if done.kind == "stack" else PathwayRow
                row = await session.get(model, done.subject_id)
                if row is not None:
                    completed.append((done.kind, row.title, (done.outcome or {}).get("value", "")))
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
            )
