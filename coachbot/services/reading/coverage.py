"""How a district's teachers spread over its cohorts, for the line above the per-cohort
progress (a trial added the cohorts' teacher counts and expected the district's: a teacher in
two cohorts is in both counts, and a teacher in none is in neither)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Integer, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.roles import Role
from coachbot.storage.models import Cohort, CohortMember, Person, RoleGrantRow


@dataclass(frozen=True)
class CohortCoverage:
    """``teachers``: the district's active teachers (of ``schools`` when given); of them,
    ``in_cohorts`` are a teacher member of at least one cohort, ``in_several`` of two or more
    (each cohort's line counts them)."""

    teachers: int
    in_cohorts: int
    in_several: int

    @property
    def in_none(self) -> int:
        return self.teachers - self.in_cohorts


async def cohort_coverage(
    session: AsyncSession, district_id: int, schools: Iterable[int] | None = None
) -> CohortCoverage:
    teachers = (
        select(Person.id)
        .join(RoleGrantRow, RoleGrantRow.person_id == Person.id)
        .where(
            Person.district_id == district_id,
            Person.active.is_(True),
            RoleGrantRow.role == Role.TEACHER.value,
        )
        .distinct()
    )
    if schools is not None:
        teachers = teachers.where(Person.school_id.in_(list(schools)))
    total = await session.scalar(select(func.count()).select_from(teachers.subquery()))
    per_teacher = (
        select(CohortMember.person_id, func.count().label("cohorts"))
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(
            Cohort.district_id == district_id,
            CohortMember.role == "teacher",
            CohortMember.person_id.in_(teachers),
        )
        .group_by(CohortMember.person_id)
        .subquery()
    )
    in_cohorts, in_several = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum((per_teacher.c.cohorts > 1).cast(Integer)), 0),
            ).select_from(per_teacher)
        )
    ).one()
    return CohortCoverage(int(total or 0), int(in_cohorts or 0), int(in_several or 0))
