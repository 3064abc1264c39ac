"""Who reviews a piece of evidence: a facilitator of the teacher's cohort first, then any
facilitator of the district, the least loaded first, and never the teacher."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.roles import Role
from coachbot.storage.models import CohortMember, Person, Pursuit, Review, RoleGrantRow


async def open_load(session: AsyncSession, reviewer_ids: list[int]) -> dict[int, int]:
    if not reviewer_ids:
        return {}
    rows = await session.execute(
        select(Review.reviewer_id, func.count())
        .where(Review.reviewer_id.in_(reviewer_ids), Review.status == "assigned")
        .group_by(Review.reviewer_id)
    )
    load = dict.fromkeys(reviewer_ids, 0)
    load.update(dict(rows.all()))
    return load


async def pick_reviewer(
    session: AsyncSession, pursuit: Pursuit, exclude: set[int] | None = None
) -> int | None:
    """The person to review ``pursuit``'s latest evidence, or None when nobody is available."""
    excluded = {pursuit.teacher_id} | (exclude or set())
    pools: list[list[int]] = []
    if pursuit.cohort_id is not None:
        pools.append(
            list(
                await session.scalars(
                    select(CohortMember.person_id).where(
                        CohortMember.cohort_id == pursuit.cohort_id,
                        CohortMember.role == Role.FACILITATOR.value,
                    )
                )
            )
        )
    pools.append(
        list(
            await session.scalars(
                select(RoleGrantRow.person_id)
                .join(Person, Person.id == RoleGrantRow.person_id)
                .where(
                    Person.district_id == pursuit.district_id,
                    Person.active.is_(True),
                    RoleGrantRow.role == Role.FACILITATOR.value,
                )
            )
        )
    )
    for pool in pools:
        candidates = sorted({pid for pid in pool if pid not in excluded})
        if candidates:
            load = await open_load(session, candidates)
            return min(candidates, key=lambda pid: (load[pid], pid))
    return None
