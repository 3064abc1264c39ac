"""Cohorts: admins create them and add teachers and facilitators; teachers join an open one and
may leave one they have handed nothing in for."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.cohort_days import HANDED_IN, last_day
from coachbot.domain.errors import InvalidInput, NotFound, NotPermitted, PreconditionFailed
from coachbot.domain.journey import State
from coachbot.domain.policy import Window
from coachbot.domain.roles import Actor, Role
from coachbot.services.district.people import actor_of, person_by_email
from coachbot.services.record import audit
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Cohort,
    CohortMember,
    CredentialRow,
    District,
    Person,
    Pursuit,
    School,
)


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
            closes = await _last_day(session, cohort)
            today = self.clock.now().astimezone(ZoneInfo(await _timezone(session, cohort)))
            if closes < today.date():
                # A stale "Join" button: the chat offers only open cohorts.
                raise PreconditionFailed(need="cohort_closed", cohort=cohort.name, closed=closes)
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

    async def leave(self, actor: Actor, cohort_id: int) -> tuple[str, int]:
        """A teacher leaves a cohort they have handed nothing in for: (its name, how many of
        their credentials now go on outside it, under the district's window). Nothing they
        collected is touched; the move is in the record."""
        async with self.db.write() as session:
            cohort = await session.get(Cohort, cohort_id)
            if cohort is None or cohort.district_id != actor.district_id:
                raise NotFound(what="cohort", key=str(cohort_id))
            assert actor.person_id is not None
            member = await session.get(CohortMember, (cohort.id, actor.person_id, "teacher"))
            if member is None:
                raise PreconditionFailed(need="cohort_member", cohort=cohort.name)
            rows = (
                await session.execute(
                    select(Pursuit.id, Pursuit.state, Pursuit.attempts, CredentialRow.title)
                    .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                    .where(Pursuit.teacher_id == actor.person_id, Pursuit.cohort_id == cohort.id)
                    .order_by(Pursuit.id)
                )
            ).all()
            handed = [t for _, state, tries, t in rows if tries or State(state) in HANDED_IN]
            if handed:
                raise PreconditionFailed(
                    need="nothing_handed_in", cohort=cohort.name, handed=handed
                )
            await session.delete(member)
            moved = [pid for pid, *_ in rows]
            if moved:
                await session.execute(
                    update(Pursuit).where(Pursuit.id.in_(moved)).values(cohort_id=None)
                )
            audit.record(
                session,
                at=self.clock.now(),
                actor=actor,
                district_id=cohort.district_id,
                subject_type="cohort",
                subject_id=cohort.id,
                action="leave",
                details={"person": actor.person_id, "pursuits": moved},
            )
            return cohort.name, len(moved)


async def _last_day(session: AsyncSession, cohort: Cohort) -> date:
    district = await session.get(District, cohort.district_id)
    assert district is not None
    own = (
        Window(cohort.window_opens_on, cohort.window_closes_on)
        if cohort.window_opens_on and cohort.window_closes_on
        else None
    )
    return last_day(cohort.ends_on, own, policy_from_json(district.policy).submission_window)


async def _timezone(session: AsyncSession, cohort: Cohort) -> str:
    district = await session.get(District, cohort.district_id)
    assert district is not None
    return district.timezone
