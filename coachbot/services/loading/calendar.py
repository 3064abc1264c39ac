"""Store a district's breaks (replacing the old list) and flag deadlines that fall in one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from coachbot.clock import Clock
from coachbot.domain.roles import Actor
from coachbot.importing.calendar_reader import Break
from coachbot.services.district import school_breaks
from coachbot.services.record import audit
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Cohort,
    CredentialRow,
    District,
    Person,
    Pursuit,
    SchoolBreak,
    WorkPlan,
)


@dataclass(frozen=True)
class Flagged:
    what: str  # "deadline", "window", "cohort_window"
    who: str  # the teacher, or the cohort's name
    title: str  # the credential, or ""
    day: date
    in_break: str


@dataclass(frozen=True)
class CalendarImported:
    breaks: int
    flagged: list[Flagged]


def _inside(day: date, breaks: list[Break]) -> str | None:
    return next((b.name for b in breaks if b.starts_on <= day <= b.ends_on), None)


class CalendarLoader:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def load(self, slug: str, breaks: list[Break], *, source: str = "") -> CalendarImported:
        async with self.db.write() as session:
            district = await session.scalar(select(District).where(District.slug == slug))
            assert district is not None
            await session.execute(delete(SchoolBreak).where(
                SchoolBreak.district_id == district.id))
            session.add_all(SchoolBreak(district_id=district.id, name=b.name[:200],
                                        starts_on=b.starts_on, ends_on=b.ends_on)
                            for b in breaks)
            flagged: list[Flagged] = []
            window = policy_from_json(district.policy).submission_window
            if window and (name := _inside(window.closes_on, breaks)):
                flagged.append(Flagged("window", "", "", window.closes_on, name))
            for cohort in await session.scalars(select(Cohort).where(
                    Cohort.district_id == district.id, Cohort.window_closes_on.is_not(None))):
                assert cohort.window_closes_on is not None
                if name := _inside(cohort.window_closes_on, breaks):
                    flagged.append(Flagged("cohort_window", cohort.name, "",
                                           cohort.window_closes_on, name))
            plans = await session.execute(
                select(Person.name, CredentialRow.title, WorkPlan.deadline)
                .join(Pursuit, Pursuit.id == WorkPlan.pursuit_id)
                .join(Person, Person.id == Pursuit.teacher_id)
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .where(Pursuit.district_id == district.id,
                       Pursuit.state.notin_(["earned", "withdrawn"])))
            for teacher, title, deadline in plans.all():
                if name := _inside(deadline, breaks):
                    flagged.append(Flagged("deadline", teacher, title, deadline, name))
            audit.record(session, at=self.clock.now(), actor=Actor.system(district.id),
                         district_id=district.id, subject_type="district",
                         subject_id=district.id, action="import_calendar",
                         details={"source": source, "breaks": len(breaks),
                                  "flagged": len(flagged)})
            return CalendarImported(len(breaks), flagged)

    async def breaks_from(self, district_id: int, since: date) -> tuple[tuple[date, date], ...]:
        """The district's breaks that end on or after ``since``: the days a plan skips."""
        async with self.db.read() as session:
            return await school_breaks(session, district_id, since)

    async def breaks_on(self, district_id: int, days: list[date]) -> dict[date, str]:
        """Which of ``days`` fall in one of the district's school breaks, with its name: a
        teacher planning a milestone or deadline then is told no reminders go out that week."""
        if not days:
            return {}
        async with self.db.read() as session:
            rows = (await session.execute(
                select(SchoolBreak.name, SchoolBreak.starts_on, SchoolBreak.ends_on).where(
                    SchoolBreak.district_id == district_id,
                    SchoolBreak.ends_on >= min(days), SchoolBreak.starts_on <= max(days))
            )).all()
        return {day: name for day in days for name, start, end in rows if start <= day <= end}
