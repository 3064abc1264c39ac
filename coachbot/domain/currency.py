"""What an earned credential credits: hours, points, stipend (within budget) and CPD units."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from coachbot.domain.policy import Currency


class StipendStatus(StrEnum):
    NONE = "none"  # this credential carries no stipend
    OWED = "owed"  # the district owes it and the budget covers it
    OVER_BUDGET = "over_budget"  # earned, but the year's budget is spent: leaders decide
    OVER_CAP = "over_cap"  # earned, but the teacher's yearly cap is reached: next fiscal year


@dataclass(frozen=True)
class Credit:
    hours: float
    points: float
    stipend_cents: int
    stipend_status: StipendStatus
    cpd_units: int
    graduate_credits: float = 0.0


def credit_for_award(
    currency: Currency,
    *,
    earned_before: int,
    stipend_budget_cents: int | None,
    stipend_committed_cents: int,
    stipend_cap_left_cents: int | None = None,
) -> Credit:
    """The credit for the teacher's next award.

    ``earned_before`` is how many credentials the teacher had already earned in the district, so
    that "one CPD unit per N credentials" credits a unit on every N-th award. A stipend the budget
    cannot cover is recorded as over budget, never silently dropped; so is one beyond what
    the teacher's yearly cap has left (``stipend_cap_left_cents``; None: no cap). Which limit
    held it back is in the status, since the teacher is told what happens next: a cap reached
    is said first (it holds whatever leaders do with the budget), then a spent budget.
    """
    cpd = 0
    if currency.cpd_units_per and (earned_before + 1) % currency.cpd_units_per == 0:
        cpd = 1
    stipend, status = 0, StipendStatus.NONE
    if currency.stipend_cents > 0:
        in_budget = (
            stipend_budget_cents is None
            or stipend_committed_cents + currency.stipend_cents <= stipend_budget_cents
        )
        cap_left = stipend_cap_left_cents
        under_cap = cap_left is None or currency.stipend_cents <= cap_left
        if not under_cap:
            status = StipendStatus.OVER_CAP
        elif not in_budget:
            status = StipendStatus.OVER_BUDGET
        else:
            stipend, status = currency.stipend_cents, StipendStatus.OWED
    return Credit(currency.hours, currency.points, stipend, status, cpd, currency.graduate_credits)


def dollars(cents: int | None) -> str:
    """Money as people write it: "$25,000", "$1,250.50"; cents only when there are some.

    One way everywhere money is shown (policy, celebrations, status, the CLI), so a budget never
    reads "$25000.00" in one place and "$25,000" in another."""
    whole, rest = divmod(abs(cents or 0), 100)
    sign = "-" if (cents or 0) < 0 else ""
    return f"{sign}${whole:,}" + (f".{rest:02d}" if rest else "")


def about_dollars(cents: int | None) -> str:
    """An estimate in whole dollars: "$12,346", not "$12,345.67". A forecast (stipends times a
    completion rate) is "about" that much; its cents are noise an approver reads as precision.
    Money that was spent or owed keeps its cents (``dollars``, and the ledger export)."""
    whole = (abs(cents or 0) + 50) // 100  # half a dollar up, the same for - and +
    return dollars(-whole * 100 if (cents or 0) < 0 else whole * 100)
