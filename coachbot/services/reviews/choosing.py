"""Choosing a reviewer from one pool in the database: the least loaded eligible person, one row
back however big the pool (a whole district's 2,000 facilitators in the worst case)."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.services.reviews.pools import Context, PoolKey, barred, pool_members, pool_params
from coachbot.storage.models import Review, ReviewerLoad


async def choose_in(
    session: AsyncSession,
    ctx: Context,
    key: PoolKey,
    now: datetime,
    capacity: int | None,
    excluded: frozenset[int],
) -> int | None:
    """The pool's least loaded eligible person, chosen by the database: fewest open reviews,
    then (under a weekly capacity) fewest given this week, then the lowest id; the same order
    as ``coachbot.domain.routing.least_loaded``, with the same rules (never the teacher, nobody
    excluded or barred, nobody at the capacity). One row comes back, however big the pool.

    The open reviews are read from ``reviewer_loads`` (one small row per reviewer, kept by
    triggers), and this week's are counted only for the least loaded: a first pass looks at
    the lowest open load alone and, only when everyone there is at the capacity, a second at
    everyone. (The rules are also kept in pure form in ``coachbot.domain.routing``, where
    ``next_free`` uses them and the tests check them.)
    """
    params = pool_params(ctx, key, now) | {"excluded": sorted(excluded)}
    weekly = capacity is not None
    statement = _choosing(key, weekly, "conflicted" in params)
    if not weekly:
        return await session.scalar(statement, params)
    params["capacity"] = capacity
    for slack in (0, EVERYONE):
        row = (await session.execute(statement, params | {"slack": slack})).first()
        if row is None:
            return None  # nobody in the pool at all
        person, free = row
        if free:
            return int(person)
    return None  # everyone in the pool is at the capacity


EVERYONE = 1 << 30  # a slack above any open load: every level of the pool


@functools.cache
def _choosing(key: PoolKey, weekly: bool, conflicted: bool) -> Select[Any]:
    # Someone granted a role twice appears twice; that changes neither the lowest load nor
    # who comes first, so no DISTINCT (a sort of the whole pool) is needed.
    people = pool_members(key).subquery()
    pid = people.c.person_id
    on_it, in_conflict = barred(pid, conflicted)
    # Looked up for each person (a primary key), not joined: PostgreSQL cannot estimate how
    # many people a pool holds, and guessing few it would compare every pair.
    open_load = func.coalesce(
        select(ReviewerLoad.open_reviews).where(ReviewerLoad.person_id == pid).scalar_subquery(),
        0,
    )
    candidates = (
        select(pid.label("person_id"), open_load.label("open_load"))
        .select_from(people)
        .where(
            pid != bindparam("teacher_id"),
            pid.not_in(bindparam("excluded", expanding=True)),
            ~on_it,
            ~in_conflict,
        )
    )
    if not weekly:
        inner = candidates.subquery()
        return (
            select(inner.c.person_id)
            .order_by(inner.c.open_load, inner.c.person_id)
            .limit(1)
        )
    # Worked out once and read twice (the lowest load, then the shortlist).
    found = candidates.cte("candidates").prefix_with("MATERIALIZED")
    lowest = select(func.min(found.c.open_load)).scalar_subquery()
    this_week = (
        select(func.count())
        .select_from(Review)
        .where(
            Review.reviewer_id == found.c.person_id,
            Review.assigned_at > bindparam("since", type_=Review.assigned_at.type),
        )
        .scalar_subquery()
    )
    shortlist = (
        select(found.c.person_id, found.c.open_load, this_week.label("this_week"))
        .where(found.c.open_load <= lowest + bindparam("slack"))
        .subquery()
    )
    # Those under the capacity first; when the first row is not, everyone shortlisted is full.
    free = shortlist.c.this_week < bindparam("capacity")
    return (
        select(shortlist.c.person_id, free)
        .order_by(
            case((free, 0), else_=1),
            shortlist.c.open_load,
            shortlist.c.this_week,
            shortlist.c.person_id,
        )
        .limit(1)
    )
