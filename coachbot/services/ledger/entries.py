"""Writing the ledger inside the transaction that earns the credit: an award's entries, a
committee's grant, and the year's stipend budget they are checked against.

Every function here takes the caller's session, so an award never exists without its entries
(and the other way round). Whoever spends the budget holds the district row's lock first
(``lock_district``): two approvals at the same moment then take turns, and the second sees the
first one's stipend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from coachbot.domain.currency import Credit, StipendStatus
from coachbot.domain.ledger import SPENDING, EntryKind, PayState, fiscal_year
from coachbot.domain.policy import DistrictPolicy
from coachbot.storage.models import District, LedgerEntry
from coachbot.storage.plans import unindexed

# The stipend figures every view names the same way: owed, approved, paid (this fiscal year),
# and what was paid and is to be recovered (a revoked award's stipend).
PAYABLE = (
    PayState.OWED.value,
    PayState.APPROVED.value,
    PayState.PAID.value,
    PayState.TO_RECOVER.value,
)


@dataclass(frozen=True)
class StipendFigures:
    """A fiscal year's stipends by where they stand, in cents; a reversal (a revoked award)
    counts against the state of the stipend it takes back, so a revoked owed stipend is no
    longer owed. Over-budget (or over-cap) stipends are in none: nobody is to pay them.
    A paid stipend taken back stays paid (the money is out) and is also ``to_recover_cents``
    until HR records it recovered; then it is paid no more."""

    owed_cents: int = 0
    approved_cents: int = 0
    paid_cents: int = 0
    to_recover_cents: int = 0  # positive: money paid out that the district is to get back


def stipends_by_state(year: Any, source: Any = None) -> Select[str, int]:
    """(state, cents) of a fiscal year's stipend entries, owed/approved/paid; the caller adds
    whose. Without ``source``, one district's year through its index (the caller names the
    district). With one (a join that ends at ``LedgerEntry``, e.g. a cohort's pursuits, their
    awards, the awards' entries), the year and kind only filter: the join leads."""
    original = aliased(LedgerEntry)
    to_recover = PayState.TO_RECOVER.value
    state = case(
        (LedgerEntry.pay_state == to_recover, to_recover),
        else_=func.coalesce(original.pay_state, LedgerEntry.pay_state),
    )
    kind: Any = LedgerEntry.kind
    year_of_entry: Any = LedgerEntry.fiscal_year
    if source is not None:
        kind, year_of_entry = unindexed(kind), unindexed(year_of_entry)
    return (
        select(state, func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .select_from(LedgerEntry if source is None else source)
        .outerjoin(original, original.id == LedgerEntry.reverses_id)
        .where(kind == EntryKind.STIPEND.value, year_of_entry == year, state.in_(PAYABLE))
        .group_by(state)
    )


def stipend_figures(rows: Any) -> StipendFigures:
    sums = {state: int(cents or 0) for state, cents in rows}
    return StipendFigures(
        sums.get(PayState.OWED.value, 0),
        sums.get(PayState.APPROVED.value, 0),
        sums.get(PayState.PAID.value, 0),
        -sums.get(PayState.TO_RECOVER.value, 0),
    )


def year_of(policy: DistrictPolicy, when: datetime) -> str:
    """The fiscal year of an instant: by the day it is in the district's own time zone."""
    return fiscal_year(when.astimezone(ZoneInfo(policy.timezone)).date(), policy.fiscal_year_starts)


async def lock_district(session: AsyncSession, district_id: int) -> District:
    """The district row, locked until the transaction ends (PostgreSQL; SQLite has one writer)."""
    return (
        await session.execute(select(District).where(District.id == district_id).with_for_update())
    ).scalar_one()


async def stipends_in_year(
    session: AsyncSession, district_id: int, year: str, teacher_id: int | None = None
) -> int:
    """Cents of stipend the year's budget already carries (owed, approved, paid, less
    reversals); over-budget stipends are not spent until leaders find the money."""
    query = select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
        LedgerEntry.district_id == district_id,
        LedgerEntry.fiscal_year == year,
        LedgerEntry.kind == EntryKind.STIPEND.value,
        LedgerEntry.pay_state.in_(SPENDING),
    )
    if teacher_id is not None:
        query = query.where(LedgerEntry.teacher_id == teacher_id)
    return int(await session.scalar(query) or 0)


async def cap_used(session: AsyncSession, year: str, teacher_id: int) -> int:
    """Cents of the teacher's yearly cap the year's stipends fill: as ``stipends_in_year``, but
    a reversal counts in the year of the stipend it takes back (so revoking last year's
    stipend this year frees last year's cap, and never widens this year's). A reversal of a
    paid stipend frees it only once recovered: the money is out until then."""
    original = aliased(LedgerEntry)
    year_of_stipend = func.coalesce(original.fiscal_year, LedgerEntry.fiscal_year)
    query = (
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .outerjoin(original, original.id == LedgerEntry.reverses_id)
        .where(
            LedgerEntry.teacher_id == teacher_id,
            LedgerEntry.kind == EntryKind.STIPEND.value,
            LedgerEntry.pay_state.in_(SPENDING),
            year_of_stipend == year,
        )
    )
    return int(await session.scalar(query) or 0)


async def room_for_stipend(
    session: AsyncSession, policy: DistrictPolicy, district_id: int, teacher_id: int, year: str
) -> tuple[int | None, int | None]:
    """(budget left this year, this teacher's cap left this year); None where there is no limit."""
    left = None
    if policy.stipend_budget_cents is not None:
        spent = await stipends_in_year(session, district_id, year)
        left = policy.stipend_budget_cents - spent
    cap_left = None
    if policy.stipend_cap_per_teacher_cents is not None:
        theirs = await cap_used(session, year, teacher_id)
        cap_left = policy.stipend_cap_per_teacher_cents - theirs
    return left, cap_left


def award_entries(
    *,
    district_id: int,
    teacher_id: int,
    award_id: int,
    credit: Credit,
    graduate_credits: float,
    stipend_earned_cents: int,
    year: str,
    now: datetime,
) -> list[LedgerEntry]:
    """One entry per credit the award brings (nothing for a zero)."""

    def entry(
        kind: EntryKind, quantity: float = 0.0, cents: int = 0, state: PayState = PayState.CREDITED
    ) -> LedgerEntry:
        return LedgerEntry(
            district_id=district_id, teacher_id=teacher_id, award_id=award_id, kind=kind.value,
            quantity=quantity, amount_cents=cents, detail="", fiscal_year=year, entered_on=now,
            pay_state=state.value,
        )  # fmt: skip

    entries = [
        entry(kind, float(quantity))
        for kind, quantity in (
            (EntryKind.HOURS, credit.hours),
            (EntryKind.POINTS, credit.points),
            (EntryKind.CPD_UNITS, credit.cpd_units),
            (EntryKind.GRADUATE_CREDITS, graduate_credits),
        )
        if quantity
    ]
    if credit.stipend_status is StipendStatus.OWED:
        entries.append(entry(EntryKind.STIPEND, cents=credit.stipend_cents, state=PayState.OWED))
    elif credit.stipend_status in (StipendStatus.OVER_BUDGET, StipendStatus.OVER_CAP):
        # The amount earned, so leaders see what they would need to find; not spent. The
        # ledger has one state for either limit (not paid); the award keeps which it was.
        entries.append(
            entry(EntryKind.STIPEND, cents=stipend_earned_cents, state=PayState.OVER_BUDGET)
        )
    return entries
