"""Work done outside any cohort, for the district's ``progress``.

A trial's district admin watched $200 leave the budget with no name against it: no cohort was
open, so a teacher worked on her own, and her pursuit, her "not yet" and her award were in no
cohort's line. This is that line: the same figures as a cohort's (credentials by stage, this
fiscal year's stipends of those awards), so the cohorts' stipends and this add up to what the
district owes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, join, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.journey import State
from coachbot.services.ledger.entries import (
    StipendFigures,
    stipend_figures,
    stipends_by_state,
    stipends_in_year,
    year_of,
)
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import Award, District, LedgerEntry, Person, Pursuit


@dataclass(frozen=True)
class OutsideProgress:
    """``teachers`` with a credential chosen outside any cohort (one also in a cohort counts
    here for the work they do on their own); ``by_state`` counts those credentials."""

    teachers: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    fiscal_year: str | None = None
    stipends: StipendFigures = field(default_factory=StipendFigures)
    stipend_budget_cents: int | None = None
    stipend_budget_left_cents: int | None = None

    @property
    def chosen(self) -> int:
        return sum(self.by_state.values())

    @property
    def earned(self) -> int:
        return self.by_state.get(State.EARNED.value, 0)


async def outside_cohorts(
    session: AsyncSession,
    district_id: int,
    now: datetime,
    schools: Iterable[int] | None = None,
) -> OutsideProgress:
    """Four small statements: the pursuits with no cohort (through the cohort index, its
    NULL end) by stage, their teachers, their awards' stipends this year, the budget spent."""
    mine: Any = true()
    if schools is not None:
        mine = Pursuit.teacher_id.in_(
            select(Person.id).where(Person.school_id.in_(list(schools)))
        )
    alone = (Pursuit.cohort_id.is_(None), Pursuit.district_id == district_id, mine)
    stage = case((Award.revoked_at.is_not(None), "revoked"), else_=Pursuit.state)
    by_state = {
        state: int(count)
        for state, count in await session.execute(
            select(stage, func.count())
            .outerjoin(Award, Award.pursuit_id == Pursuit.id)
            .where(*alone)
            .group_by(stage)
        )
    }
    if not by_state:
        return OutsideProgress()
    teachers = await session.scalar(
        select(func.count(func.distinct(Pursuit.teacher_id))).where(*alone)
    )
    policy = policy_from_json(
        await session.scalar(select(District.policy).where(District.id == district_id)) or {}
    )
    year = year_of(policy, now)
    stipends = stipend_figures(
        await session.execute(
            stipends_by_state(
                year,
                join(Pursuit, Award, Award.pursuit_id == Pursuit.id).join(
                    LedgerEntry, LedgerEntry.award_id == Award.id
                ),
            ).where(*alone)
        )
    )
    left = None
    if policy.stipend_budget_cents is not None:
        left = policy.stipend_budget_cents - await stipends_in_year(session, district_id, year)
    return OutsideProgress(
        int(teachers or 0), by_state, year, stipends, policy.stipend_budget_cents, left
    )
