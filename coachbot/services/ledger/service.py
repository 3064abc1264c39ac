"""The ledger's use cases: a teacher's totals, the year's budget, stipends to payroll, and
taking credit back (``CreditReversal``: revocation wires this in with one line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from coachbot.clock import Clock
from coachbot.domain.journey import TERMINAL_STATES, State
from coachbot.domain.ledger import KEPT, EntryKind, PayState
from coachbot.domain.policy import DistrictPolicy
from coachbot.domain.roles import Actor
from coachbot.services.ledger.entries import (
    StipendFigures,
    lock_district,
    stipend_figures,
    stipends_by_state,
    stipends_in_year,
    year_of,
)
from coachbot.services.ledger.reversing import reverse_award
from coachbot.services.ledger.stipends import Moved, Recovered, mark_recovered, move_stipends
from coachbot.storage.codec import currency_from_json, policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Award,
    CredentialRow,
    District,
    LedgerEntry,
    Person,
    Pursuit,
    School,
)

REVOKED = "revoked"  # a pursuit whose award was revoked, as the status views name it


@dataclass(frozen=True)
class Credits:
    """Sums of one teacher's entries (reversals included)."""

    hours: float = 0.0
    points: float = 0.0
    stipend_cents: int = 0
    cpd_units: float = 0.0
    graduate_credits: float = 0.0
    salary_steps: tuple[str, ...] = ()
    # Paid stipends a revocation took back, until HR records them recovered: not hers to keep
    # (not in ``stipend_cents``), but still paid out to her.
    to_recover_cents: int = 0

    @property
    def stipends_out_cents(self) -> int:
        """Her stipends as the HR export's ``teacher_total`` counts them: owed, approved or
        paid to her and not got back, a paid one to recover included (named beside it)."""
        return self.stipend_cents + self.to_recover_cents


@dataclass(frozen=True)
class Totals:
    fiscal_year: str
    this_year: Credits
    all_time: Credits


@dataclass(frozen=True)
class Budget:
    """What an approver sees before saying yes: the year's stipend budget and a forecast."""

    fiscal_year: str
    budget_cents: int | None
    spent_cents: int
    in_progress: int  # pursuits chosen and not finished (earned or withdrawn)
    completion_rate: float  # of the district's pursuits that ended, the share earned
    forecast_cents: int  # stipends of pursuits in progress x completion rate
    left_cents: int | None = field(default=None)
    # False until some credential has ended: the forecast then assumes every one is earned.
    rate_known: bool = True
    stipends: StipendFigures = field(default_factory=StipendFigures)  # spent, by state


@dataclass(frozen=True)
class ToRecover:
    """A paid stipend a revocation took back: the reversal's entry, the money, the batch."""

    entry_id: int
    cents: int
    batch: str


class LedgerService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def reverse(self, award_id: int, reason: str) -> int:
        """``CreditReversal``: take back every credit of ``award_id`` in its own transaction."""
        async with self.db.write() as session:
            award_district = await session.scalar(
                select(LedgerEntry.district_id).where(LedgerEntry.award_id == award_id).limit(1)
            )
            actor = Actor.system(award_district)
            return await reverse_award(session, self.clock.now(), actor, award_id, reason)

    async def reverse_award(self, award_id: int, reason: str, actor: Actor | None = None) -> int:
        if actor is None:
            return await self.reverse(award_id, reason)
        async with self.db.write() as session:
            return await reverse_award(session, self.clock.now(), actor, award_id, reason)

    async def approve_stipends(self, actor: Actor, district_id: int, year: str) -> Moved:
        async with self.db.write() as session:
            return await move_stipends(
                session, self.clock.now(), actor, district_id, year, to=PayState.APPROVED
            )

    async def pay_stipends(self, actor: Actor, district_id: int, year: str, batch: str) -> Moved:
        async with self.db.write() as session:
            return await move_stipends(
                session, self.clock.now(), actor, district_id, year, to=PayState.PAID, batch=batch
            )

    async def recovered(
        self, actor: Actor, district_id: int, entry_id: int, ref: str = ""
    ) -> Recovered | None:
        """HR got a paid stipend of a revoked award back (``stipends recovered ENTRY [REF]``)."""
        async with self.db.write() as session:
            return await mark_recovered(
                session, self.clock.now(), actor, district_id, entry_id, ref
            )

    async def to_recover(self, award_id: int, since: datetime) -> list[ToRecover]:
        """The paid stipends that revoking ``award_id`` (at ``since``) took back: the award's
        own and those of the pathways and stacks it undid, each to be recovered from the
        payroll batch that paid it. What the admin who revoked it is told."""
        paid = aliased(LedgerEntry)
        async with self.db.read() as session:
            teacher = await session.scalar(select(Award.teacher_id).where(Award.id == award_id))
            rows = await session.execute(
                select(LedgerEntry.id, -LedgerEntry.amount_cents, paid.batch_ref)
                .join(paid, paid.id == LedgerEntry.reverses_id)
                .where(
                    LedgerEntry.teacher_id == teacher,
                    LedgerEntry.pay_state == PayState.TO_RECOVER.value,
                    (LedgerEntry.award_id == award_id)
                    | (LedgerEntry.completion_id.is_not(None) & (LedgerEntry.entered_on >= since)),
                )
                .order_by(LedgerEntry.id)
            )
            return [ToRecover(entry, int(cents), batch or "") for entry, cents, batch in rows]

    async def district_id(self, slug: str) -> int:
        async with self.db.read() as session:
            found = await session.scalar(select(District.id).where(District.slug == slug))
        assert found is not None  # callers pick the slug from the districts there are
        return found

    async def totals(self, person_id: int) -> Totals:
        async with self.db.read() as session:
            person = await session.get(Person, person_id)
            assert person is not None
            district = await session.get(District, person.district_id)
            assert district is not None
            year = year_of(policy_from_json(district.policy), self.clock.now())
            return Totals(
                year,
                await _credits(session, person_id, year),
                await _credits(session, person_id, None),
            )

    async def budget(self, district_id: int) -> Budget:
        async with self.db.read() as session:
            district = await session.get(District, district_id)
            assert district is not None
            return await budget_now(
                session,
                policy_from_json(district.policy),
                district.id,
                year_of(policy_from_json(district.policy), self.clock.now()),
            )

    async def locked_budget(self, session: AsyncSession, district_id: int) -> Budget:
        district = await lock_district(session, district_id)
        policy = policy_from_json(district.policy)
        return await budget_now(session, policy, district_id, year_of(policy, self.clock.now()))


async def budget_now(
    session: AsyncSession, policy: DistrictPolicy, district_id: int, year: str
) -> Budget:
    spent = await stipends_in_year(session, district_id, year)
    # A credential earned and then revoked ended without a credential (nor a stipend): it counts
    # among the pursuits that ended, never among those earned.
    stage = case((Award.revoked_at.is_not(None), REVOKED), else_=Pursuit.state)
    counts: dict[str, int] = dict(
        (
            await session.execute(
                select(stage, func.count())
                .outerjoin(Award, Award.pursuit_id == Pursuit.id)
                .where(Pursuit.district_id == district_id)
                .group_by(stage)
            )
        ).all()
    )
    ended_states = {s.value for s in TERMINAL_STATES} | {REVOKED}
    earned = int(counts.get(State.EARNED.value, 0))
    ended = sum(int(n) for s, n in counts.items() if s in ended_states)
    in_progress = sum(int(n) for s, n in counts.items() if s not in ended_states)
    rate = earned / ended if ended else 1.0
    # Each open pursuit's stipend as its award would pay it: the credential's own currency
    # (else the district's) plus the teacher's school's own incentive, where it adds one.
    open_by_credential_and_school = (
        await session.execute(
            select(Pursuit.credential_id, School.code, func.count())
            .join(Person, Person.id == Pursuit.teacher_id)
            .outerjoin(School, School.id == Person.school_id)
            .where(Pursuit.district_id == district_id, Pursuit.state.not_in(ended_states))
            .group_by(Pursuit.credential_id, School.code)
        )
    ).all()
    currencies: dict[int, Any] = dict(
        (
            await session.execute(
                select(CredentialRow.id, CredentialRow.currency).where(
                    CredentialRow.id.in_({c for c, _, _ in open_by_credential_and_school})
                )
            )
        ).all()
    )
    open_stipends = 0
    for credential_id, school_code, count in open_by_credential_and_school:
        stored = currencies.get(credential_id)
        base = currency_from_json(stored) if stored else policy.currency
        open_stipends += policy.currency_at(base, school_code).stipend_cents * int(count)
    forecast = round(open_stipends * rate)
    left = None if policy.stipend_budget_cents is None else policy.stipend_budget_cents - spent
    return Budget(
        year,
        policy.stipend_budget_cents,
        spent,
        in_progress,
        rate,
        forecast,
        left,
        rate_known=ended > 0,
        stipends=stipend_figures(
            await session.execute(
                stipends_by_state(year).where(LedgerEntry.district_id == district_id)
            )
        ),
    )


async def _credits(session: AsyncSession, person_id: int, year: str | None) -> Credits:
    where = [LedgerEntry.teacher_id == person_id]
    if year is not None:
        where.append(LedgerEntry.fiscal_year == year)
    sums: dict[str, tuple[float, int]] = {}
    for kind, quantity, cents in await session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.quantity), func.sum(LedgerEntry.amount_cents))
        .where(
            *where,
            (LedgerEntry.kind != EntryKind.STIPEND.value) | LedgerEntry.pay_state.in_(KEPT),
        )
        .group_by(LedgerEntry.kind)
    ):
        sums[kind] = (float(quantity or 0), int(cents or 0))
    steps = [
        detail
        for detail, net in await session.execute(
            select(LedgerEntry.detail, func.sum(LedgerEntry.quantity))
            .where(*where, LedgerEntry.kind == EntryKind.SALARY_STEP.value)
            .group_by(LedgerEntry.detail)
            .order_by(LedgerEntry.detail)
        )
        if (net or 0) > 0
    ]
    to_recover = await session.scalar(
        select(func.sum(LedgerEntry.amount_cents)).where(
            *where, LedgerEntry.pay_state == PayState.TO_RECOVER.value
        )
    )
    return Credits(
        to_recover_cents=-int(to_recover or 0),
        hours=sums.get(EntryKind.HOURS.value, (0.0, 0))[0],
        points=sums.get(EntryKind.POINTS.value, (0.0, 0))[0],
        stipend_cents=sums.get(EntryKind.STIPEND.value, (0.0, 0))[1],
        cpd_units=sums.get(EntryKind.CPD_UNITS.value, (0.0, 0))[0],
        graduate_credits=sums.get(EntryKind.GRADUATE_CREDITS.value, (0.0, 0))[0],
        salary_steps=tuple(steps),
    )
