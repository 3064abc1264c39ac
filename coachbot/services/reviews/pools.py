"""The pools routing draws reviewers from, as SQL.

Each pool is a SELECT of person ids (``pool_members``). ``choose_in`` (in ``choosing``) wraps
one so that the database picks the least loaded eligible person; ``with_load`` so that one
statement returns everyone in it with their open reviews, what they were given this week, and
whether they are barred from this evidence (for saying when someone frees up). One round trip
per pool, whatever its size.

Routing runs on every hand-in, so the statements are built once per shape (which pool, which
options apply) with bound parameters, and reused: building and compiling them anew each time
cost more than running them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    select,
    true,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.policy import DistrictPolicy
from coachbot.domain.reviewer_policy import OfficialReviewer
from coachbot.domain.reviews import LEFT, ReviewPurpose, ReviewStatus
from coachbot.domain.roles import Role
from coachbot.domain.routing import WEEK, Candidate
from coachbot.storage.models import (
    Award,
    CohortMember,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
)


@dataclass(frozen=True)
class Teacher:
    id: int
    email: str
    name: str
    school_id: int | None


@dataclass(frozen=True)
class Context:
    """What routing needs to know about one pursuit."""

    pursuit: Pursuit
    teacher: Teacher
    credential_code: str
    policy: DistrictPolicy
    purpose: ReviewPurpose

    @property
    def outside_school(self) -> bool:
        """An official decision where the district forbids colleagues from the same school."""
        return (
            self.purpose == ReviewPurpose.OFFICIAL
            and self.policy.reviewers.same_school_conflict
            and self.teacher.school_id is not None
        )


@dataclass(frozen=True)
class PoolKey:
    """Which pool, in which shape: what a statement template is cached by."""

    name: str  # cohort | qualified | facilitators | committee | school_admins | peer_*
    outside: bool = False  # keep out the teacher's own school
    designated: bool = False  # the district designates people for this credential


def pools(ctx: Context) -> Iterator[PoolKey]:
    """The pools to draw from, most preferred first."""
    outside = ctx.outside_school
    if ctx.purpose == ReviewPurpose.PEER:
        if ctx.teacher.school_id is not None:
            if ctx.pursuit.cohort_id is not None:
                yield PoolKey("peer_cohort")
            yield PoolKey("peer_school")
        return
    reviewers = ctx.policy.reviewers
    kinds = (
        reviewers.official
        if ctx.purpose == ReviewPurpose.OFFICIAL
        else (OfficialReviewer.FACILITATOR,)
    )
    for kind in kinds:
        if kind is OfficialReviewer.FACILITATOR:
            if ctx.pursuit.cohort_id is not None:
                yield PoolKey("cohort", outside)
            designated = bool(reviewers.designated_for(ctx.credential_code))
            yield PoolKey("qualified", outside, designated)
            if not reviewers.qualified_only:
                yield PoolKey("facilitators", outside)
        elif kind is OfficialReviewer.COMMITTEE and reviewers.committee:
            yield PoolKey("committee", outside)
        elif kind is OfficialReviewer.SCHOOL_ADMIN and ctx.teacher.school_id is not None:
            yield PoolKey("school_admins")


async def with_load(
    session: AsyncSession,
    ctx: Context,
    key: PoolKey,
    now: datetime,
    weekly: bool,
    *,
    oldest: bool = False,
) -> tuple[list[Candidate], set[int]]:
    """Everyone in the pool with their open reviews and, when a capacity applies, this week's;
    and which of them are barred from this evidence (a listed conflict with the teacher, or
    already on it: holding a review of it, or having given one up or had it taken when late).
    """
    params = pool_params(ctx, key, now)
    statement = _loaded(key, weekly, "conflicted" in params, oldest)
    rows = (await session.execute(statement, params)).all()
    found: list[Candidate] = []
    kept_out: set[int] = set()
    for person, on_it, in_conflict, *load in rows:
        if on_it or in_conflict:
            kept_out.add(person)
        found.append(Candidate(person, *load))
    return found, kept_out


def pool_params(ctx: Context, key: PoolKey, now: datetime) -> dict[str, Any]:
    conflicted = sorted(ctx.policy.reviewers.conflicted_reviewers(ctx.teacher.email))
    params: dict[str, Any] = {
        "district_id": ctx.pursuit.district_id,
        "pursuit_id": ctx.pursuit.id,
        "cohort_id": ctx.pursuit.cohort_id,
        "credential_id": ctx.pursuit.credential_id,
        "teacher_id": ctx.teacher.id,
        "teacher_school": ctx.teacher.school_id,
        "since": now - WEEK,
        "peer_limit": ctx.policy.reviewers.peer_open_limit,
    }
    if key.designated:
        params["designated"] = list(ctx.policy.reviewers.designated_for(ctx.credential_code))
    if key.name == "committee":
        params["committee"] = list(ctx.policy.reviewers.committee)
    if conflicted:
        params["conflicted"] = conflicted
    return params


def barred(pid: Any, conflicted: bool) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Whether each person is already on this evidence, and whether they are in conflict with
    the teacher: each a small set the database works out once per statement, not once per
    candidate."""
    latest = (
        select(func.max(EvidenceVersion.id))
        .where(EvidenceVersion.pursuit_id == bindparam("pursuit_id"))
        .scalar_subquery()
    )
    on_it = pid.in_(
        select(Review.reviewer_id).where(
            Review.pursuit_id == bindparam("pursuit_id"),
            Review.evidence_version_id == latest,
            # A review of this version someone gave up, or had taken from them when late, counts:
            # they are not asked again. "scored": half of a blind pair waits for the other;
            # never give one both halves.
            Review.status.in_((ReviewStatus.ASSIGNED, ReviewStatus.SCORED, *LEFT)),
        )
    )
    in_conflict: Any = false()
    if conflicted:
        in_conflict = pid.in_(
            select(Person.id).where(
                Person.district_id == bindparam("district_id"),
                Person.email.in_(bindparam("conflicted", expanding=True)),
            )
        )
    return on_it, in_conflict


@functools.cache
def _loaded(key: PoolKey, weekly: bool, conflicted: bool, oldest: bool = False) -> Select[Any]:
    people = pool_members(key).distinct().subquery()
    pid = people.c.person_id

    def count(*where: ColumnElement[bool]) -> Any:
        return (
            select(func.count())
            .select_from(Review)
            .where(Review.reviewer_id == pid, *where)
            .scalar_subquery()
        )

    on_it, in_conflict = barred(pid, conflicted)
    # The literal (not a bound value) lets both databases use the partial index of open reviews.
    is_open = Review.status == literal_column(f"'{ReviewStatus.ASSIGNED.value}'")
    columns: list[Any] = [pid, on_it, in_conflict, count(is_open)]
    if weekly:
        recent = Review.assigned_at > bindparam("since", type_=Review.assigned_at.type)
        columns.append(count(recent))
        if oldest:  # only to say when someone frees up; choosing needs just the count
            columns.append(
                select(func.min(Review.assigned_at))
                .where(Review.reviewer_id == pid, recent)
                .scalar_subquery()
            )
    return select(*columns)


def _in_district() -> ColumnElement[bool]:
    return and_(Person.district_id == bindparam("district_id"), Person.active.is_(True))


def _outside(key: PoolKey) -> ColumnElement[bool]:
    if key.outside:
        return Person.school_id.is_distinct_from(bindparam("teacher_school"))
    return true()


def _looked_up(person_id: Any, key: PoolKey) -> ColumnElement[bool]:
    """In the district, active (and outside the teacher's school when asked), checked for each
    person already found through the primary key. Joined instead, PostgreSQL reads the whole
    people table (50,000 teachers) to keep the district's 2,000 facilitators: it prices 2,000
    index lookups above one scan, though every page is in memory."""
    district = (
        select(Person.district_id)
        .where(Person.id == person_id, Person.active.is_(True), _outside(key))
        .scalar_subquery()
    )
    return district == bindparam("district_id")


def _granted(role: Role, key: PoolKey) -> Select[Any]:
    """Everyone in the district holding ``role``. The role is written as a literal, so that
    for facilitators both databases can use the partial index of facilitator grants: SQLite's
    statistics only know that the average role is common (every teacher has one) and would
    otherwise read every grant."""
    return (
        select(RoleGrantRow.person_id)
        .join(Person, Person.id == RoleGrantRow.person_id)
        .where(
            RoleGrantRow.role == literal_column(f"'{role.value}'"), _in_district(), _outside(key)
        )
    )


def pool_members(key: PoolKey) -> Select[Any]:
    if key.name == "cohort":
        return _cohort_members(Role.FACILITATOR).where(_outside(key))
    if key.name == "qualified":
        return _qualified(key)
    if key.name == "facilitators":
        return select(RoleGrantRow.person_id).where(
            RoleGrantRow.role == literal_column(f"'{Role.FACILITATOR.value}'"),
            _looked_up(RoleGrantRow.person_id, key),
        )
    if key.name == "committee":
        return select(Person.id.label("person_id")).where(
            _in_district(), Person.email.in_(bindparam("committee", expanding=True)), _outside(key)
        )
    if key.name == "school_admins":
        return _granted(Role.SCHOOL_ADMIN, key).where(
            RoleGrantRow.school_id == bindparam("teacher_school")
        )
    # Peers: colleagues from the same school, first from the teacher's cohort, then any teacher
    # of the school; each holds only a few open peer reviews at a time, so the work spreads.
    busy = (
        select(Review.reviewer_id)
        .where(Review.status == ReviewStatus.ASSIGNED, Review.purpose == ReviewPurpose.PEER)
        .group_by(Review.reviewer_id)
        .having(func.count() >= bindparam("peer_limit"))
    )
    colleague = and_(
        Person.school_id == bindparam("teacher_school"),
        Person.id != bindparam("teacher_id"),
        Person.id.notin_(busy),
    )
    if key.name == "peer_cohort":
        return _cohort_members(Role.TEACHER).where(colleague)
    return _granted(Role.TEACHER, key).where(colleague)


def _cohort_members(role: Role) -> Select[Any]:
    return (
        select(CohortMember.person_id)
        .join(Person, Person.id == CohortMember.person_id)
        .where(
            CohortMember.cohort_id == bindparam("cohort_id"),
            CohortMember.role == role.value,
            _in_district(),
        )
    )


def _qualified(key: PoolKey) -> Select[Any]:
    """Facilitators who hold the credential (found from its awards, through an index on the
    credential), or whom the district designates for it."""
    holders = (
        select(Award.teacher_id.label("person_id"))
        .join(RoleGrantRow, RoleGrantRow.person_id == Award.teacher_id)
        .where(
            Award.credential_id == bindparam("credential_id"),
            Award.revoked_at.is_(None),  # a revoked credential qualifies nobody
            RoleGrantRow.role == literal_column(f"'{Role.FACILITATOR.value}'"),
            _looked_up(Award.teacher_id, key),
        )
    )
    if not key.designated:
        return holders
    named = _granted(Role.FACILITATOR, key).where(
        Person.email.in_(bindparam("designated", expanding=True))
    )
    return select(union(holders, named).subquery().c.person_id)
