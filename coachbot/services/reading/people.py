"""Read models of people: cohorts, admins, facilitators, review queues."""

from __future__ import annotations

from sqlalchemy import select

from coachbot.domain.reviews import ReviewPurpose, ReviewStatus
from coachbot.domain.roles import Role
from coachbot.services.reading.shapes import (
    QueueItem,
)
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Cohort,
    CohortMember,
    CredentialRow,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
)


class PeopleReads:
    """Read models of people: cohorts, admins, facilitators, review queues."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def my_cohorts(self, person_id: int) -> list[str]:
        async with self.db.read() as session:
            rows = await session.scalars(
                select(Cohort.name)
                .join(CohortMember, CohortMember.cohort_id == Cohort.id)
                .where(CohortMember.person_id == person_id)
                .order_by(Cohort.starts_on.desc())
            )
            return list(dict.fromkeys(rows))

    async def cohorts(self, district_id: int) -> list[tuple[int, str]]:
        async with self.db.read() as session:
            rows = await session.execute(
                select(Cohort.id, Cohort.name)
                .where(Cohort.district_id == district_id)
                .order_by(Cohort.starts_on.desc())
            )
            return [(cid, name) for cid, name in rows.all()]

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

    async def person_name(self, person_id: int) -> str:
        async with self.db.read() as session:
            person = await session.get(Person, person_id)
            return person.name if person else ""

    async def facilitators_of(self, pursuit_id: int) -> list[int]:
        """Whom a teacher's "I need help" reaches: their cohort's facilitators, else the
        facilitator who last had their work (a draft's feedback), else nobody (the caller
        then tells the district admins, and says so)."""
        async with self.db.read() as session:
            cohort = await session.scalar(select(Pursuit.cohort_id).where(Pursuit.id == pursuit_id))
            if cohort is not None:
                found = list(
                    await session.scalars(
                        select(CohortMember.person_id).where(
                            CohortMember.cohort_id == cohort,
                            CohortMember.role == Role.FACILITATOR.value,
                        )
                    )
                )
                if found:
                    return found
            latest = await session.scalar(
                select(Review.reviewer_id)
                .where(Review.pursuit_id == pursuit_id, Review.purpose != ReviewPurpose.PEER.value)
                .order_by(Review.assigned_at.desc(), Review.id.desc())
                .limit(1)
            )
            return [latest] if latest is not None else []

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
                .where(Review.reviewer_id == reviewer_id, Review.status == ReviewStatus.ASSIGNED)
                .order_by(Review.due_at, Review.id)
            )
            return [QueueItem(*r) for r in rows.all()]
