"""A small district set up straight in the tables for routing tests: facilitators, teachers,
and drafts or submissions waiting for a reviewer. (Setup only; what is tested goes through the
real services.)"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update

from coachbot.composition import Services
from coachbot.domain.reviewer_policy import ReviewerPolicy
from coachbot.importing.catalog_reader import read_catalog
from coachbot.storage.codec import policy_from_json, policy_to_json
from coachbot.storage.models import (
    Award,
    Cohort,
    CohortMember,
    CredentialRow,
    District,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
    School,
)
from tests.conftest import FIXTURES


@dataclass
class World:
    district_id: int
    people: dict[str, int] = field(default_factory=dict)  # name -> id
    credentials: dict[str, int] = field(default_factory=dict)  # code -> id
    schools: dict[str, int] = field(default_factory=dict)


async def make_world(services: Services, reviewers: ReviewerPolicy, *, peer: bool = False) -> World:
    await services.catalog.load(read_catalog(FIXTURES / "small_catalog.yaml"))
    async with services.db.write() as session:
        district = await session.scalar(select(District))
        assert district is not None
        policy = dataclasses.replace(
            policy_from_json(district.policy), reviewers=reviewers, peer_review=peer
        )
        await session.execute(
            update(District).where(District.id == district.id).values(policy=policy_to_json(policy))
        )
        world = World(district.id)
        world.credentials = dict(
            (await session.execute(select(CredentialRow.code, CredentialRow.id))).all()
        )
        world.schools = dict((await session.execute(select(School.code, School.id))).all())
    return world


async def add_person(
    services: Services, world: World, name: str, *roles: str, school: str | None = "NORTH"
) -> int:
    now = services.clock.now()
    async with services.db.write() as session:
        person = Person(
            district_id=world.district_id,
            email=f"{name.lower()}@testville.example",
            name=name,
            school_id=world.schools[school] if school else None,
            created_at=now,
            updated_at=now,
        )
        session.add(person)
        await session.flush()
        for role in roles:
            school_scope = person.school_id if role == "school_admin" else None
            session.add(RoleGrantRow(person_id=person.id, role=role, school_id=school_scope))
        world.people[name] = person.id
        return person.id


async def add_waiting(
    services: Services,
    world: World,
    teacher: str,
    code: str = "C-ONE",
    *,
    kind: str = "draft",
    cohort_id: int | None = None,
) -> int:
    """A pursuit whose evidence was just handed in (draft or formal); returns its id."""
    now = services.clock.now()
    state = "draft_with_facilitator" if kind == "draft" else "submitted"
    async with services.db.write() as session:
        pursuit = Pursuit(
            district_id=world.district_id,
            teacher_id=world.people[teacher],
            credential_id=world.credentials[code],
            cohort_id=cohort_id,
            state=state,
            attempts=0 if kind == "draft" else 1,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        session.add(pursuit)
        await session.flush()
        session.add(
            EvidenceVersion(
                pursuit_id=pursuit.id,
                number=1,
                kind="draft" if kind == "draft" else "formal",
                created_by=world.people[teacher],
                created_at=now,
            )
        )
        return pursuit.id


async def add_cohort(
    services: Services, world: World, facilitators: list[str], teachers: list[str]
) -> int:
    now = services.clock.now()
    async with services.db.write() as session:
        cohort = Cohort(
            district_id=world.district_id,
            name=f"Cohort {len(facilitators)}-{len(teachers)}-{now.timestamp()}",
            starts_on=now.date(),
            ends_on=now.date() + timedelta(days=200),
            created_at=now,
        )
        session.add(cohort)
        await session.flush()
        for role, names in (("facilitator", facilitators), ("teacher", teachers)):
            for name in names:
                session.add(
                    CohortMember(
                        cohort_id=cohort.id, person_id=world.people[name], role=role, joined_at=now
                    )
                )
        return cohort.id


async def add_award(services: Services, world: World, holder: str, code: str) -> int:
    """``holder`` earned ``code`` earlier (reviewed by nobody in particular: setup only);
    returns the award's id."""
    pursuit_id = await add_waiting(services, world, holder, code, kind="formal")
    now = services.clock.now()
    async with services.db.write() as session:
        pursuit = await session.get(Pursuit, pursuit_id)
        assert pursuit is not None
        pursuit.state = "earned"
        version = await session.scalar(
            select(EvidenceVersion.id).where(EvidenceVersion.pursuit_id == pursuit_id)
        )
        review = Review(
            pursuit_id=pursuit_id,
            evidence_version_id=version,
            reviewer_id=world.people[holder],  # setup only: the row just has to exist
            purpose="official",
            status="completed",
            assigned_at=now - timedelta(days=30),
            due_at=now - timedelta(days=20),
            completed_at=now - timedelta(days=25),
            decision="earned",
        )
        session.add(review)
        await session.flush()
        award = Award(
            pursuit_id=pursuit_id,
            district_id=world.district_id,
            teacher_id=world.people[holder],
            credential_id=world.credentials[code],
            review_id=review.id,
            awarded_at=now - timedelta(days=25),
            hours=0,
            points=0,
            stipend_cents=0,
            stipend_status="none",
            cpd_units=0,
            assertion_id=f"setup-{pursuit_id}",
        )
        session.add(award)
        await session.flush()
        return award.id


async def anns_review_of_tess(
    services: Services, reassign_after_days: int
) -> tuple[World, int, int, int]:
    """Ann and Bo facilitate; Tess (in Ann's cohort) hands in C-TWO and it goes to Ann.
    Returns the world, the cohort, the review and who has it (Ann): the start of a review that
    runs late."""
    world = await make_world(services, ReviewerPolicy(reassign_after_days=reassign_after_days))
    for name in ("Ann", "Bo"):
        await add_person(services, world, name, "teacher", "facilitator")
    await add_person(services, world, "Tess", "teacher")
    cohort = await add_cohort(services, world, ["Ann"], ["Tess"])
    pursuit = await add_waiting(services, world, "Tess", "C-TWO", cohort_id=cohort)
    review, reviewer = await services.reviews.route(pursuit) or (0, 0)
    return world, cohort, review, reviewer


async def set_reviewers(services: Services, reviewers: ReviewerPolicy) -> None:
    """Give an already imported district this reviewer policy."""
    async with services.db.write() as session:
        district = await session.scalar(select(District))
        assert district is not None
        policy = dataclasses.replace(policy_from_json(district.policy), reviewers=reviewers)
        await session.execute(
            update(District).where(District.id == district.id).values(policy=policy_to_json(policy))
        )


async def set_peer_review(services: Services, on: bool) -> None:
    async with services.db.write() as session:
        district = await session.scalar(select(District))
        assert district is not None
        policy = dataclasses.replace(policy_from_json(district.policy), peer_review=on)
        await session.execute(
            update(District).where(District.id == district.id).values(policy=policy_to_json(policy))
        )
