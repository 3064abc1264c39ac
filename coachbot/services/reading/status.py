"""Where things stand: one teacher's pursuits, and a cohort's progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import bindparam, case, func, join, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.errors import NotFound
from coachbot.domain.journey import State
from coachbot.domain.ledger import EntryKind
from coachbot.domain.reviews import ReviewPurpose, ReviewStatus
from coachbot.services.district.people import person_by_email
from coachbot.services.ledger.entries import (
    StipendFigures,
    stipend_figures,
    stipends_by_state,
    stipends_in_year,
    year_of,
)
from coachbot.services.ledger.undone import UndoneLine, undone_of_teacher
from coachbot.services.reading.coverage import CohortCoverage, cohort_coverage
from coachbot.services.reading.outside import OutsideProgress, outside_cohorts
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Award,
    Cohort,
    CohortMember,
    CredentialRow,
    District,
    EvidenceVersion,
    IssuedCredential,
    LedgerEntry,
    MilestoneRow,
    Person,
    Pursuit,
    Review,
    WorkPlan,
)
from coachbot.storage.plans import unindexed


@dataclass(frozen=True)
class PursuitLine:
    pursuit_id: int
    credential_code: str
    credential_title: str
    state: str
    deadline: date | None
    next_milestone: str | None
    next_due: date | None
    attempts: int
    updated_at: datetime
    # Earned, then its credential revoked: the line says so (when, why), never "Earned".
    revoked_at: datetime | None = None
    revoked_reason: str | None = None


@dataclass(frozen=True)
class TeacherStatus:
    person_id: int
    name: str
    email: str
    pursuits: list[PursuitLine]
    hours: float
    points: float
    stipend_cents: int
    cpd_units: int
    # Stacks and pathways completed, then undone by a revocation: said, never dropped.
    undone: list[UndoneLine] = field(default_factory=list)
    timezone: str = "UTC"  # the district's, for a view read outside the chat (the CLI)


@dataclass(frozen=True)
class CohortProgress:
    cohort_id: int
    name: str
    members: int
    by_state: dict[str, int]
    earned: int
    resubmissions: int
    median_review_days: float | None
    # This fiscal year's stipends of the cohort's awards, from the ledger (None: no ``now``
    # was given, so no fiscal year), and the district's budget and what is left of it.
    fiscal_year: str | None
    stipends: StipendFigures
    stipend_budget_cents: int | None
    stipend_budget_left_cents: int | None
    quiet: tuple[tuple[str, int], ...] = ()  # (teacher, days) with open work and no activity
    # ``members`` counts teachers; ``by_state`` counts credentials chosen (a teacher working
    # on two counts in two rows); this many teachers have chosen at least one.
    started: int = 0


QUIET_DAYS = 10  # the same pause after which the teacher hears "it's been a little while"
OPEN_WORK = (State.PLANNING.value, State.IN_PROGRESS.value, State.NOT_YET.value)


class StatusService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def coverage(
        self, district_id: int, schools: Iterable[int] | None = None
    ) -> CohortCoverage:
        """The district's teachers, and how many are in cohorts (``progress``'s first line)."""
        async with self.db.read() as session:
            return await cohort_coverage(session, district_id, schools)

    async def outside(
        self, district_id: int, now: datetime, schools: Iterable[int] | None = None
    ) -> OutsideProgress:
        """Work done outside any cohort (``progress``'s last part): a teacher on her own."""
        async with self.db.read() as session:
            return await outside_cohorts(session, district_id, now, schools)

    async def teacher(self, email: str, district: int | str | None = None) -> TeacherStatus:
        """One teacher's pursuits; ``district`` (id or slug) is needed when the email is on
        several districts' rosters."""
        async with self.db.read() as session:
            person = await person_by_email(session, email, district)
            return await self._teacher(session, person.id, person.name, person.email)

    async def _teacher(
        self, session: AsyncSession, pid: int, name: str, email: str
    ) -> TeacherStatus:
        def next_open(column: Any) -> Any:
            return (
                select(column)
                .where(MilestoneRow.plan_id == WorkPlan.id, MilestoneRow.done_at.is_(None))
                .order_by(MilestoneRow.due_on, MilestoneRow.position)
                .limit(1)
                .scalar_subquery()
            )

        rows = (
            await session.execute(
                select(
                    Pursuit.id,
                    CredentialRow.code,
                    CredentialRow.title,
                    case((Award.revoked_at.is_not(None), "revoked"), else_=Pursuit.state),
                    WorkPlan.deadline,
                    next_open(MilestoneRow.title),
                    next_open(MilestoneRow.due_on),
                    Pursuit.attempts,
                    Pursuit.updated_at,
                    Award.revoked_at,
                    IssuedCredential.revoked_reason,
                )
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .outerjoin(WorkPlan, WorkPlan.pursuit_id == Pursuit.id)
                .outerjoin(Award, Award.pursuit_id == Pursuit.id)
                .outerjoin(IssuedCredential, IssuedCredential.award_id == Award.id)
                .where(Pursuit.teacher_id == pid)
                .order_by(Pursuit.updated_at.desc())
            )
        ).all()
        totals = (
            await session.execute(
                select(
                    func.coalesce(func.sum(Award.hours), 0),
                    func.coalesce(func.sum(Award.points), 0),
                    func.coalesce(func.sum(Award.stipend_cents), 0),
                ).where(Award.teacher_id == pid, Award.revoked_at.is_(None))
            )
        ).one()
        # CPD units from the ledger: a revocation recounts them on what still counts
        # (``ledger.cpd``), so the revoked award's own share is not the whole story.
        cpd_units = await session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.quantity), 0)).where(
                LedgerEntry.teacher_id == pid, LedgerEntry.kind == EntryKind.CPD_UNITS.value
            )
        )
        return TeacherStatus(
            pid,
            name,
            email,
            [PursuitLine(*r) for r in rows],
            float(totals[0]),
            float(totals[1]),
            int(totals[2]),
            int(cpd_units or 0),
            await undone_of_teacher(session, pid),
            await session.scalar(
                select(District.timezone).join(Person, Person.district_id == District.id)
                .where(Person.id == pid)
            ) or "UTC",
        )  # fmt: skip

    async def cohort(
        self, cohort_id: int, now: datetime | None = None, schools: Iterable[int] | None = None
    ) -> CohortProgress:
        """The cohort's numbers; given ``now``, also who has gone quiet on open work, by name.
        Given ``schools`` (a school admin's), only those schools' teachers count.

        A few statements, each driven by the cohort's pursuits (a cohort is a fiftieth of a
        district or less, its pursuits found through one index), never by a district-wide set
        such as "every completed review": see ``_CohortQueries`` for each one's plan.
        """
        q = _COHORT if schools is None else _CohortQueries(list(schools))
        async with self.db.read() as session:
            head = (await session.execute(q.head, {"cohort_id": cohort_id})).one_or_none()
            if head is None:
                raise NotFound(what="cohort", key=str(cohort_id))
            name, policy, members, district_id = head
            by_state: dict[str, int] = {}
            resubmissions = 0
            for state, count, again in await session.execute(q.states, {"cohort_id": cohort_id}):
                by_state[state] = count
                resubmissions += int(again or 0)
            budget = policy_from_json(policy)
            year, stipends, left = None, StipendFigures(), None
            if now is not None:  # the figures of the fiscal year ``now`` is in, by the policy
                year = year_of(budget, now)
                stipends = stipend_figures(
                    await session.execute(q.stipends, {"cohort_id": cohort_id, "year": year})
                )
                if budget.stipend_budget_cents is not None:
                    spent = await stipends_in_year(session, district_id, year)
                    left = budget.stipend_budget_cents - spent
            started = await session.scalar(q.started, {"cohort_id": cohort_id}) or 0
            # Turnaround as the teacher lived it: from handing the evidence in to the review
            # that answered it, across any hand-offs or reassignments in between.
            days = [
                (done - start).total_seconds() / 86400
                for start, done in await session.execute(q.turnaround, {"cohort_id": cohort_id})
                if done is not None  # a completed review always has its time; typed loosely
            ]
            quiet: dict[str, int] = {}
            if now is not None:
                rows = await session.execute(
                    q.quiet,
                    {"cohort_id": cohort_id, "quiet_since": now - timedelta(days=QUIET_DAYS)},
                )
                for teacher, last in rows:
                    quiet[teacher] = max(quiet.get(teacher, 0), (now - last).days)
            return CohortProgress(
                cohort_id,
                name,
                int(members or 0),
                by_state,
                by_state.get(State.EARNED.value, 0),
                resubmissions,
                round(median(days), 1) if days else None,
                year,
                stipends,
                budget.stipend_budget_cents,
                left,
                tuple(sorted(quiet.items(), key=lambda item: -item[1])),
                int(started),
            )

    async def district_overview(self) -> list[tuple[str, str, int]]:
        """(cohort or "no cohort", state, count) for every district, for ``coachbot status``."""
        # A revoked credential counts as "revoked", never "earned", as in the cohort view.
        stage = case((Award.revoked_at.is_not(None), "revoked"), else_=Pursuit.state)
        async with self.db.read() as session:
            rows = (
                await session.execute(
                    select(func.coalesce(Cohort.name, "(no cohort)"), stage, func.count())
                    .outerjoin(Cohort, Cohort.id == Pursuit.cohort_id)
                    .outerjoin(Award, Award.pursuit_id == Pursuit.id)
                    .group_by(Cohort.name, stage)
                    .order_by(Cohort.name, stage)
                )
            ).all()
            return list(rows)


class _CohortQueries:
    """The cohort view's statements, built once (compiling them anew each time cost more than a
    small cohort's rows). Each starts from the cohort: the pursuits through
    ``ix_pursuits_cohort_progress`` (cohort, state, attempts, last activity, teacher), which
    answers the counts, the resubmissions and who went quiet without reading the table.

    Given ``schools`` (a school admin's view), every statement counts only those schools'
    teachers; those are built for the call, the district-wide ones once."""

    def __init__(self, schools: list[int] | None = None) -> None:
        cohort: Any = bindparam("cohort_id")
        mine: Any = true()
        members_mine: Any = true()
        if schools is not None:
            teachers = select(Person.id).where(Person.school_id.in_(schools))
            mine = Pursuit.teacher_id.in_(teachers)
            members_mine = CohortMember.person_id.in_(teachers)
        members = (
            select(func.count())
            .select_from(CohortMember)
            .where(
                CohortMember.cohort_id == Cohort.id, CohortMember.role == "teacher", members_mine
            )
            .scalar_subquery()
        )
        self.head = (
            select(Cohort.name, District.policy, members, District.id)
            .join(District, District.id == Cohort.district_id)
            .where(Cohort.id == cohort)
        )
        # Counts per state and the tries beyond the first: one pass over the cohort's
        # pursuits, each award found through its pursuit. An award whose credential was
        # revoked counts as "revoked", not earned.
        stage = case((Award.revoked_at.is_not(None), "revoked"), else_=Pursuit.state)
        self.states = (
            select(
                stage,
                func.count(),
                func.sum(case((Pursuit.attempts > 1, Pursuit.attempts - 1), else_=0)),
            )
            .outerjoin(Award, Award.pursuit_id == Pursuit.id)
            .where(Pursuit.cohort_id == cohort, mine)
            .group_by(stage)
        )
        # This fiscal year's stipends of the cohort's awards, from the ledger: from the
        # cohort's pursuits to their awards to each award's few entries (by ``award_id``),
        # never the district's year of entries first.
        self.stipends = stipends_by_state(
            bindparam("year"),
            join(Pursuit, Award, Award.pursuit_id == Pursuit.id).join(
                LedgerEntry, LedgerEntry.award_id == Award.id
            ),
        ).where(Pursuit.cohort_id == cohort, mine)
        # Teachers with a credential chosen (one working on two counts once).
        self.started = select(func.count(func.distinct(Pursuit.teacher_id))).where(
            Pursuit.cohort_id == cohort, mine
        )
        # Reviews through their pursuit. The status is a filter, never where to start: without
        # statistics SQLite would otherwise read every completed review of the district.
        self.turnaround = (
            select(EvidenceVersion.created_at, Review.completed_at)
            .select_from(Pursuit)
            .join(Review, Review.pursuit_id == Pursuit.id)
            .join(EvidenceVersion, EvidenceVersion.id == Review.evidence_version_id)
            .where(
                Pursuit.cohort_id == cohort,
                mine,
                unindexed(Review.status) == ReviewStatus.COMPLETED.value,
                Review.purpose != ReviewPurpose.PEER.value,
            )
        )
        self.quiet = (
            select(Person.name, Pursuit.last_activity_at)
            .join(Person, Person.id == Pursuit.teacher_id)
            .where(
                Pursuit.cohort_id == cohort,
                mine,
                Pursuit.state.in_(OPEN_WORK),
                Pursuit.last_activity_at
                <= bindparam("quiet_since", type_=Pursuit.last_activity_at.type),
            )
        )


_COHORT = _CohortQueries()
