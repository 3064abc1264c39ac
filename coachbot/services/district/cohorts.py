"""Cohorts: admins create them and add teachers and facilitators."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from coachbot.clock import Clock
from coachbot.domain.errors import InvalidInput, NotFound, NotPermitted, PreconditionFailed
from coachbot.domain.roles import Actor, Role
from coachbot.services.district.people import actor_of, person_by_email
from coachbot.services.record import audit
from coachbot.storage.database import Database
from coachbot.storage.models import Cohort, CohortMember, Person, Pursuit, School


class CohortService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def create(
        self,
        actor: Actor,
        name: str,
        starts_on: date,
        ends_on: date,
        *,
        school_code: str | None = None,
        school_id: int | None = None,
        window: tuple[date, date] | None = None,
    ) -> int:
        """A district admin's cohort is district-wide unless given a school; a school admin's
        is for their own school (``school_id``), the only kind they may create."""
        name = name.strip()
        if not name:
            raise InvalidInput(field="name", hint="name_empty")
        if ends_on < starts_on:
            raise InvalidInput(field="ends_on", hint="ends_before_start")
        if window and window[1] < window[0]:
            raise InvalidInput(field="window", hint="ends_before_start")
        try:
            async with self.db.write() as session:
                if school_code:
                    school_id = await session.scalar(
                        select(School.id).where(
                            School.district_id == actor.district_id, School.code == school_code
                        )
                    )
                    if school_id is None:
                        raise NotFound(what="school", key=school_code)
                if not actor.is_admin_for(school_id):
                    raise NotPermitted(
                        move="create_cohort", parties=["district_admin", "school_admin"]
                    )
                now = self.clock.now()
                cohort = Cohort(
                    district_id=actor.district_id,
                    name=name,
                    school_id=school_id,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    window_opens_on=window[0] if window else None,
                    window_closes_on=window[1] if window else None,
                    created_at=now,
                )
                session.add(cohort)
                await session.flush()
                audit.record(
                    session,
                    at=now,
                    actor=actor,
                    district_id=actor.district_id,
                    subject_type="cohort",
                    subject_id=cohort.id,
                    action="create_cohort",
                    details={"name": name},
                )
                return cohort.id
        except IntegrityError:
            raise PreconditionFailed(need="unique_cohort_name", name=name) from None

    async def add_member(self, actor: Actor, cohort_id: int, email: str, role: Role) -> bool:
        """Add a teacher or facilitator; False if they were already in the cohort."""
        if role not in (Role.TEACHER, Role.FACILITATOR):
            raise InvalidInput(field="role", hint="cohort_role", value=role.value)
        async with self.db.write() as session:
            cohort = await session.get(Cohort, cohort_id)
            if cohort is None or cohort.district_id != actor.district_id:
                raise NotFound(what="cohort", key=str(cohort_id))
            if not actor.is_admin_for(cohort.school_id):
                raise NotPermitted(move="add_member", parties=["admin"])
            person = await person_by_email(session, email, cohort.district_id)
            if not actor_of(person).has_role(role, anywhere=True):
                raise PreconditionFailed(
                    need="role_for_cohort", role=role.value, person=person.name
                )
            exists = await session.get(CohortMember, (cohort.id, person.id, role.value))
            if exists:
                return False
            now = self.clock.now()
            session.add(
                CohortMember(
                    cohort_id=cohort.id, person_id=person.id, role=role.value, joined_at=now
                )
            )
            audit.record(
                session,
                at=now,
                actor=actor,
                district_id=cohort.district_id,
                subject_type="cohort",
                subject_id=cohort.id,
                action="add_member",
                details={"person": person.id, "role": role.value},
            )
            return True

    async def join(self, actor: Actor, cohort_id: int) -> tuple[str, bool]:
        """A teacher enrols themselves: (cohort name, whether they were added just now)."""
        async with self.db.write() as session:
            cohort = await session.get(Cohort, cohort_id)
            if cohort is None or cohort.district_id != actor.district_id:
                raise NotFound(what="cohort", key=str(cohort_id))
            person = await session.get(Person, actor.person_id)
            assert person is not None
            if cohort.school_id is not None and cohort.school_id != person.school_id:
                raise NotPermitted(move="join_cohort", parties=["admin"])
            if not actor.has_role(Role.TEACHER, anywhere=True):
                raise NotPermitted(move="join_cohort", parties=["owner"])
            if await session.get(CohortMember, (cohort.id, person.id, Role.TEACHER.value)):
                return cohort.name, False
            now = self.clock.now()
            session.add(
                CohortMember(
                    cohort_id=cohort.id, person_id=person.id, role=Role.TEACHER.value, joined_at=now
                )
            )
            # Open pursuits without a cohort now belong to this one (its window applies).
            await session.execute(
                update(Pursuit)
                .where(Pursuit.teacher_id == person.id, Pursuit.cohort_id.is_(None))
                .values(cohort_id=cohort.id)
            )
            audit.record(
                session,
                at=now,
                actor=actor,
                district_id=cohort.district_id,
                subject_type="cohort",
                subject_id=cohort.id,
                action="join",
                details={"person": person.id},
            )
            return cohort.name, True
