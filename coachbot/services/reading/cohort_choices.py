"""Which cohorts a teacher may join today, which closed, and whether working on one's own is
open: what the "Join a cohort" list, ``join NAME`` and ``leave cohort`` answer from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from coachbot.domain.cohort_days import HANDED_IN, last_day
from coachbot.domain.journey import State
from coachbot.domain.policy import Window
from coachbot.domain.roles import Role
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import Cohort, CohortMember, District, Person, Pursuit


@dataclass(frozen=True)
class CohortChoices:
    """``open`` and ``closed`` are cohorts the teacher is not in (closed ones with their last
    day, newest first); ``mine`` those they are in as a teacher; ``alone`` whether the district's
    own window (if any) still leaves time to work on a credential outside any cohort."""

    open: list[tuple[int, str]] = field(default_factory=list)
    closed: list[tuple[int, str, date]] = field(default_factory=list)
    mine: list[tuple[int, str]] = field(default_factory=list)
    alone: bool = True
    shared_closes: date | None = None  # the district's own window's last day, if it has one
    handed_in: set[int] = field(default_factory=set)  # the teacher's cohorts they can't leave

    def named(self, words: str) -> tuple[str, int, str] | None:
        """("open" | "closed" | "mine", id, name) for the cohort called ``words``."""
        wanted = " ".join(words.split()).lower()
        for kind, rows in (("mine", self.mine), ("open", self.open), ("closed", self.closed)):
            for row in rows:
                if row[1].lower() == wanted:
                    return kind, row[0], row[1]
        return None


class CohortChoiceReads:
    db: Database

    async def cohort_choices(self, person_id: int, today: date) -> CohortChoices:
        async with self.db.read() as session:
            person = await session.get(Person, person_id)
            assert person is not None
            district = await session.get(District, person.district_id)
            assert district is not None
            shared = policy_from_json(district.policy).submission_window
            mine = set(
                await session.scalars(
                    select(CohortMember.cohort_id).where(
                        CohortMember.person_id == person_id,
                        CohortMember.role == Role.TEACHER.value,
                    )
                )
            )
            cohorts = await session.scalars(
                select(Cohort)
                .where(
                    Cohort.district_id == person.district_id,
                    (Cohort.school_id.is_(None)) | (Cohort.school_id == person.school_id),
                )
                .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
            )
            choices = CohortChoices(
                alone=shared is None or shared.closes_on > today,
                shared_closes=shared.closes_on if shared else None,
            )
            if mine:
                choices.handed_in.update(
                    c
                    for c, state, tries in (
                        await session.execute(
                            select(Pursuit.cohort_id, Pursuit.state, Pursuit.attempts).where(
                                Pursuit.teacher_id == person_id, Pursuit.cohort_id.in_(mine)
                            )
                        )
                    ).all()
                    if c is not None and (tries or State(state) in HANDED_IN)
                )
            for cohort in cohorts:
                own = (
                    Window(cohort.window_opens_on, cohort.window_closes_on)
                    if cohort.window_opens_on and cohort.window_closes_on
                    else None
                )
                closes = last_day(cohort.ends_on, own, shared)
                if cohort.id in mine:
                    choices.mine.append((cohort.id, cohort.name))
                elif closes < today:
                    choices.closed.append((cohort.id, cohort.name, closes))
                else:
                    choices.open.append((cohort.id, cohort.name))
            return choices

    async def pursuit_cohort(self, pursuit_id: int) -> str | None:
        """The name of the cohort a credential is worked on in, if any."""
        async with self.db.read() as session:
            return await session.scalar(
                select(Cohort.name)
                .join(Pursuit, Pursuit.cohort_id == Cohort.id)
                .where(Pursuit.id == pursuit_id)
            )
