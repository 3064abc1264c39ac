"""Who reviews a piece of evidence.

A draft goes to the teacher's cohort facilitators first, then to the district's facilitators
qualified for the credential (they hold it, or the district designates them), then, unless the
district says "qualified only", to any facilitator. A formal submission goes to the official
reviewers the district names, in its order: facilitators (as above), a committee, or the school
admins of the teacher's school. Never the teacher, never anyone the district lists as a conflict,
never someone already at the weekly capacity, and within a pool always the least loaded (the pure
rules are in coachbot.domain.routing). Peer review pairs a draft with a colleague from the same
school, the one with the fewest open peer reviews.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.journey import State
from coachbot.domain.policy import DistrictPolicy
from coachbot.domain.reviewer_policy import OfficialReviewer
from coachbot.domain.roles import Role
from coachbot.domain.routing import WEEK, Candidate, Rules, choose, next_free
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import (
    Award,
    CohortMember,
    CredentialRow,
    District,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
)

FEEDBACK, OFFICIAL, PEER = "feedback", "official", "peer"
# A review of this version that someone gave up, or that was taken from them when late: they
# are not asked again for the same evidence.
LEFT = ("handed_off", "reassigned")


@dataclass(frozen=True)
class Context:
    """What routing needs to know about one pursuit."""

    pursuit: Pursuit
    teacher: Person
    credential_code: str
    policy: DistrictPolicy
    purpose: str


def purpose_of(pursuit: Pursuit) -> str:
    return FEEDBACK if pursuit.state == State.DRAFT_WITH_FACILITATOR.value else OFFICIAL


async def context(session: AsyncSession, pursuit: Pursuit, purpose: str | None = None) -> Context:
    teacher = await session.get(Person, pursuit.teacher_id)
    district = await session.get(District, pursuit.district_id)
    code = await session.scalar(
        select(CredentialRow.code).where(CredentialRow.id == pursuit.credential_id)
    )
    assert teacher is not None and district is not None and code is not None
    policy = policy_from_json(district.policy)
    return Context(pursuit, teacher, code, policy, purpose or purpose_of(pursuit))


async def pick_reviewer(
    session: AsyncSession,
    pursuit: Pursuit,
    exclude: set[int] | None = None,
    *,
    now: datetime | None = None,
    purpose: str | None = None,
) -> int | None:
    """The person to review ``pursuit``'s latest evidence, or None when nobody is available.

    ``purpose`` defaults to the pursuit's state (a draft gets feedback, a submission an official
    review). Pass ``now`` from the injected clock: the weekly capacity counts back from it.
    """
    ctx = await context(session, pursuit, purpose)
    rules = await _rules(session, ctx, exclude or set())
    when = now or datetime.now(UTC)
    async for ids in _pools(session, ctx):
        chosen = choose([await candidates(session, ids, when, ctx)], rules)
        if chosen is not None:
            return chosen.person_id
    return None


async def next_free_at(
    session: AsyncSession, pursuit: Pursuit, now: datetime, exclude: set[int] | None = None
) -> datetime | None:
    """When someone allowed to review this gets room under the weekly capacity; None when
    nobody allowed exists (only an admin can help then)."""
    ctx = await context(session, pursuit)
    rules = await _rules(session, ctx, exclude or set())
    pools = [await candidates(session, ids, now, ctx) async for ids in _pools(session, ctx)]
    return next_free(pools, rules)


async def candidates(
    session: AsyncSession, ids: list[int], now: datetime, ctx: Context | None = None
) -> list[Candidate]:
    """Each person's open reviews and, when a capacity applies, what they were given this week."""
    if not ids:
        return []
    load = dict(
        (
            await session.execute(
                select(Review.reviewer_id, func.count())
                .where(Review.reviewer_id.in_(ids), Review.status == "assigned")
                .group_by(Review.reviewer_id)
            )
        ).all()
    )
    week: dict[int, tuple[int, datetime]] = {}
    if ctx is None or ctx.policy.reviewers.weekly_capacity is not None:
        rows = await session.execute(
            select(Review.reviewer_id, func.count(), func.min(Review.assigned_at))
            .where(Review.reviewer_id.in_(ids), Review.assigned_at > now - WEEK)
            .group_by(Review.reviewer_id)
        )
        week = {pid: (count, oldest) for pid, count, oldest in rows.all()}
    return [
        Candidate(pid, load.get(pid, 0), *week.get(pid, (0, None))) for pid in dict.fromkeys(ids)
    ]


async def open_load(session: AsyncSession, reviewer_ids: list[int]) -> dict[int, int]:
    """Open reviews per person (kept for callers that only need the load)."""
    found = await candidates(session, reviewer_ids, datetime.now(UTC), None)
    return {c.person_id: c.open_load for c in found}


async def _rules(session: AsyncSession, ctx: Context, exclude: set[int]) -> Rules:
    excluded = set(exclude)
    # Nobody twice on the same evidence: not who gave it up or had it taken when late, and not
    # who already holds a review of it (the facilitator is not also the peer, a second official
    # reviewer is not the first).
    excluded |= set(
        await session.scalars(
            select(Review.reviewer_id)
            .join(EvidenceVersion, EvidenceVersion.id == Review.evidence_version_id)
            .where(
                Review.pursuit_id == ctx.pursuit.id,
                Review.status.in_((*LEFT, "assigned")),
                EvidenceVersion.number == _latest_number(ctx.pursuit.id),
            )
        )
    )
    conflicted = ctx.policy.reviewers.conflicted_reviewers(ctx.teacher.email)
    if conflicted:
        excluded |= set(await _ids_by_email(session, ctx.pursuit.district_id, conflicted))
    capacity = None if ctx.purpose == PEER else ctx.policy.reviewers.weekly_capacity
    return Rules(ctx.teacher.id, frozenset(excluded), capacity)


def _latest_number(pursuit_id: int) -> object:
    return (
        select(func.max(EvidenceVersion.number))
        .where(EvidenceVersion.pursuit_id == pursuit_id)
        .scalar_subquery()
    )


async def _pools(session: AsyncSession, ctx: Context) -> AsyncIterator[list[int]]:
    """The pools to draw from, most preferred first; each is one query, run only if needed."""
    if ctx.purpose == PEER:
        async for ids in _peer_pools(session, ctx):
            yield ids
        return
    kinds = (
        ctx.policy.reviewers.official
        if ctx.purpose == OFFICIAL
        else (OfficialReviewer.FACILITATOR,)
    )
    for kind in kinds:
        if kind is OfficialReviewer.FACILITATOR:
            if ctx.pursuit.cohort_id is not None:
                yield await _cohort_facilitators(session, ctx)
            yield await _facilitators(session, ctx, qualified=True)
            if not ctx.policy.reviewers.qualified_only:
                yield await _facilitators(session, ctx, qualified=False)
        elif kind is OfficialReviewer.COMMITTEE:
            yield await _ids_by_email(
                session, ctx.pursuit.district_id, ctx.policy.reviewers.committee, _outside(ctx)
            )
        elif kind is OfficialReviewer.SCHOOL_ADMIN and ctx.teacher.school_id is not None:
            yield await _school_admins(session, ctx)


def _outside(ctx: Context) -> ColumnElement[bool]:
    """For an official decision where the district forbids it: not from the teacher's school."""
    if (
        ctx.purpose == OFFICIAL
        and ctx.policy.reviewers.same_school_conflict
        and ctx.teacher.school_id is not None
    ):
        return or_(Person.school_id.is_(None), Person.school_id != ctx.teacher.school_id)
    return true()


async def _cohort_facilitators(session: AsyncSession, ctx: Context) -> list[int]:
    return list(
        await session.scalars(
            select(CohortMember.person_id)
            .join(Person, Person.id == CohortMember.person_id)
            .where(
                CohortMember.cohort_id == ctx.pursuit.cohort_id,
                CohortMember.role == Role.FACILITATOR.value,
                Person.active.is_(True),
                _outside(ctx),
            )
            .order_by(CohortMember.person_id)
        )
    )


async def _facilitators(session: AsyncSession, ctx: Context, *, qualified: bool) -> list[int]:
    query = (
        select(RoleGrantRow.person_id)
        .join(Person, Person.id == RoleGrantRow.person_id)
        .where(
            Person.district_id == ctx.pursuit.district_id,
            Person.active.is_(True),
            RoleGrantRow.role == Role.FACILITATOR.value,
            _outside(ctx),
        )
        .distinct()
        .order_by(RoleGrantRow.person_id)
    )
    if qualified:
        holds = exists().where(
            Award.teacher_id == Person.id, Award.credential_id == ctx.pursuit.credential_id
        )
        designated = ctx.policy.reviewers.designated_for(ctx.credential_code)
        query = query.where(or_(holds, Person.email.in_(designated)) if designated else holds)
    return list(await session.scalars(query))


async def _school_admins(session: AsyncSession, ctx: Context) -> list[int]:
    return list(
        await session.scalars(
            select(RoleGrantRow.person_id)
            .join(Person, Person.id == RoleGrantRow.person_id)
            .where(
                Person.district_id == ctx.pursuit.district_id,
                Person.active.is_(True),
                RoleGrantRow.role == Role.SCHOOL_ADMIN.value,
                RoleGrantRow.school_id == ctx.teacher.school_id,
            )
            .distinct()
            .order_by(RoleGrantRow.person_id)
        )
    )


async def _ids_by_email(
    session: AsyncSession,
    district_id: int,
    emails: tuple[str, ...] | frozenset[str],
    where: ColumnElement[bool] | None = None,
) -> list[int]:
    if not emails:
        return []
    return list(
        await session.scalars(
            select(Person.id)
            .where(
                Person.district_id == district_id,
                Person.email.in_(list(emails)),
                Person.active.is_(True),
                where if where is not None else true(),
            )
            .order_by(Person.id)
        )
    )


async def _peer_pools(session: AsyncSession, ctx: Context) -> AsyncIterator[list[int]]:
    """Colleagues from the same school: first those in the teacher's cohort, then any teacher
    of the school. Each may hold only a few open peer reviews, so the work spreads."""
    if ctx.teacher.school_id is None:
        return
    same_school = and_(
        Person.district_id == ctx.pursuit.district_id,
        Person.school_id == ctx.teacher.school_id,
        Person.active.is_(True),
        Person.id != ctx.teacher.id,
    )
    limit = ctx.policy.reviewers.peer_open_limit
    busy = (
        select(Review.reviewer_id)
        .where(Review.status == "assigned", Review.purpose == PEER)
        .group_by(Review.reviewer_id)
        .having(func.count() >= limit)
    )
    if ctx.pursuit.cohort_id is not None:
        yield list(
            await session.scalars(
                select(CohortMember.person_id)
                .join(Person, Person.id == CohortMember.person_id)
                .where(
                    CohortMember.cohort_id == ctx.pursuit.cohort_id,
                    CohortMember.role == Role.TEACHER.value,
                    same_school,
                    Person.id.notin_(busy),
                )
                .order_by(CohortMember.person_id)
            )
        )
    yield list(
        await session.scalars(
            select(RoleGrantRow.person_id)
            .join(Person, Person.id == RoleGrantRow.person_id)
            .where(RoleGrantRow.role == Role.TEACHER.value, same_school, Person.id.notin_(busy))
            .distinct()
            .order_by(RoleGrantRow.person_id)
        )
    )
