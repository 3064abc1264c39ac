"""Who reviews a piece of evidence.

A draft goes to the teacher's cohort facilitators first, then to the district's facilitators
qualified for the credential (they hold it, or the district designates them), then, unless the
district says "qualified only", to any facilitator. A formal submission goes to the official
reviewers the district names, in its order: facilitators (as above), a committee, or the school
admins of the teacher's school. Never the teacher, never anyone the district lists as a conflict,
never someone already at the weekly capacity, and within a pool always the least loaded (the pure
rules are in coachbot.domain.routing; the pools, as SQL, in routing_pools). Peer review pairs a
draft with a colleague from the same school who has the fewest open reviews.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.journey import State
from coachbot.domain.reviews import ReviewPurpose, ReviewStatus
from coachbot.domain.routing import Candidate, Rules, next_free
from coachbot.services.reviews.choosing import choose_in
from coachbot.services.reviews.pools import Context, Teacher, pools, with_load
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import (
    CredentialRow,
    District,
    Person,
    Pursuit,
    Review,
)

__all__ = [
    "Context",
    "context",
    "next_free_at",
    "open_load",
    "pick_reviewer",
]


def purpose_of(pursuit: Pursuit) -> ReviewPurpose:
    """What a review of the pursuit's evidence is for, by its state: a draft gets feedback, a
    formal submission an official review."""
    if pursuit.state == State.DRAFT_WITH_FACILITATOR.value:
        return ReviewPurpose.FEEDBACK
    return ReviewPurpose.OFFICIAL


async def context(session: AsyncSession, pursuit: Pursuit, purpose: str | None = None) -> Context:
    """What routing needs to know; ``purpose`` (a ``ReviewPurpose`` or its stored string, as read
    from a review's row) defaults to ``purpose_of(pursuit)``."""
    params = {
        "teacher_id": pursuit.teacher_id,
        "district_id": pursuit.district_id,
        "credential_id": pursuit.credential_id,
    }
    row = (await session.execute(_context_statement(), params)).one()
    teacher = Teacher(row[0], row[1], row[2], row[3])
    policy = policy_from_json(row[4])
    return Context(
        pursuit, teacher, row[5], policy, ReviewPurpose(purpose) if purpose else purpose_of(pursuit)
    )


@functools.cache
def _context_statement() -> Select[Any]:
    """One round trip: the teacher, with the district's policy and the credential's code."""
    policy = select(District.policy).where(District.id == bindparam("district_id"))
    code = select(CredentialRow.code).where(CredentialRow.id == bindparam("credential_id"))
    return select(
        Person.id,
        Person.email,
        Person.name,
        Person.school_id,
        policy.scalar_subquery(),
        code.scalar_subquery(),
    ).where(Person.id == bindparam("teacher_id"))


async def pick_reviewer(
    session: AsyncSession,
    pursuit: Pursuit,
    exclude: set[int] | None = None,
    *,
    now: datetime,
    purpose: str | None = None,
) -> int | None:
    """The person to review ``pursuit``'s latest evidence, or None when nobody is available.

    ``purpose`` defaults to the pursuit's state (a draft gets feedback, a submission an official
    review; pass ``ReviewPurpose.PEER`` for a colleague's view). ``now`` comes from the injected
    clock: the weekly capacity counts back from it.
    """
    ctx = await context(session, pursuit, purpose)
    rules = _rules(ctx, exclude or set())
    for pool in pools(ctx):
        chosen = await choose_in(session, ctx, pool, now, rules.weekly_capacity, rules.excluded)
        if chosen is not None:
            return chosen
    return None


async def next_free_at(
    session: AsyncSession, pursuit: Pursuit, now: datetime, exclude: set[int] | None = None
) -> datetime | None:
    """When someone allowed to review this gets room under the weekly capacity; None when
    nobody allowed exists (only an admin can help then)."""
    ctx = await context(session, pursuit)
    rules = _rules(ctx, exclude or set())
    found: list[list[Candidate]] = []
    for pool in pools(ctx):
        candidates, barred = await with_load(session, ctx, pool, now, weekly=True, oldest=True)
        found.append(candidates)
        rules = replace(rules, excluded=rules.excluded | barred)
    return next_free(found, rules)


async def open_load(session: AsyncSession, reviewer_ids: list[int]) -> dict[int, int]:
    """Open reviews per person."""
    load = dict.fromkeys(reviewer_ids, 0)
    if reviewer_ids:
        rows = await session.execute(
            select(Review.reviewer_id, func.count())
            .where(Review.reviewer_id.in_(reviewer_ids), Review.status == ReviewStatus.ASSIGNED)
            .group_by(Review.reviewer_id)
        )
        load.update(dict(rows.all()))
    return load


def _rules(ctx: Context, exclude: set[int]) -> Rules:
    capacity = None if ctx.purpose == ReviewPurpose.PEER else ctx.policy.reviewers.weekly_capacity
    return Rules(ctx.teacher.id, frozenset(exclude), capacity)
