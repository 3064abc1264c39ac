"""The ledger's vocabulary: what a credit is, which fiscal year a day falls in, and how a
stipend moves from owed to paid.

Districts pay by fiscal year (most start on July 1), not by calendar or school year, so every
credit is dated in one: an award on June 30 belongs to the year that is closing, one on July 1
to the next. A year is named as HR writes it, "2026-27".
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from coachbot.domain.errors import InvalidInput

DEFAULT_YEAR_STARTS = "07-01"
_LABEL = re.compile(r"^(\d{4})-(\d{2})$")
_STARTS = re.compile(r"^(\d{2})-(\d{2})$")


class EntryKind(StrEnum):
    HOURS = "hours"  # in-service hours
    POINTS = "points"  # continuing-education points
    STIPEND = "stipend"  # money, in cents
    CPD_UNITS = "cpd_units"
    GRADUATE_CREDITS = "graduate_credits"
    SALARY_STEP = "salary_step"  # quantity 1 (or -1 reversed); detail says which, e.g. "+5%"


class PayState(StrEnum):
    """Where a stipend entry stands; other credits are simply "credited"."""

    CREDITED = "credited"  # not money: nothing to pay
    OWED = "owed"  # within this year's budget, not yet approved by HR
    APPROVED = "approved"  # HR approved it for a payroll run
    PAID = "paid"  # paid, in the batch the entry names
    OVER_BUDGET = "over_budget"  # earned when the year's budget was spent: leaders decide
    REVERSAL = "reversal"  # takes back an earlier stipend not paid yet (a revoked award)
    # Takes back a stipend already paid: the money is out until HR gets it back, so it still
    # counts as spent; HR records the recovery (``stipends recovered ENTRY``).
    TO_RECOVER = "to_recover"
    RECOVERED = "recovered"  # the paid stipend it takes back came back to the district


# The states whose money counts against the year's budget: money to pay or paid out, less
# what reversals took back before it was paid or got back since.
SPENDING = (
    PayState.OWED.value,
    PayState.APPROVED.value,
    PayState.PAID.value,
    PayState.REVERSAL.value,
    PayState.RECOVERED.value,
)
# A teacher's own stipend credit: what they keep, so a revoked award's paid stipend is no
# longer theirs even before it is recovered.
KEPT = (*SPENDING, PayState.TO_RECOVER.value)


def check_year_starts(text: str) -> tuple[int, int]:
    """ "07-01" -> (7, 1); a day every year has (no February 29)."""
    found = _STARTS.match(text.strip())
    if found is None:
        raise InvalidInput(field="fiscal_year_starts", hint="fiscal_year_starts", value=text[:20])
    month, day = int(found.group(1)), int(found.group(2))
    try:
        date(2025, month, day)
    except ValueError:
        raise InvalidInput(
            field="fiscal_year_starts", hint="fiscal_year_starts", value=text[:20]
        ) from None
    return month, day


def fiscal_year(day: date, starts: str = DEFAULT_YEAR_STARTS) -> str:
    """The fiscal year ``day`` falls in: with years starting July 1, 2026-06-30 -> "2025-26"
    and 2026-07-01 -> "2026-27". A year starting January 1 is named by its calendar year
    twice ("2026-26") so that every label has one shape."""
    month, first = check_year_starts(starts)
    begins = day.year if (day.month, day.day) >= (month, first) else day.year - 1
    ends = begins if (month, first) == (1, 1) else begins + 1
    return f"{begins}-{ends % 100:02d}"


def year_bounds(label: str, starts: str = DEFAULT_YEAR_STARTS) -> tuple[date, date]:
    """The first and last day of the fiscal year ``label`` ("2026-27")."""
    begins = parse_year(label)
    month, first = check_year_starts(starts)
    start = date(begins, month, first)
    following = date(begins + 1, month, first)
    return start, date.fromordinal(following.toordinal() - 1)


def parse_year(label: str) -> int:
    """ "2026-27" -> 2026; anything else is refused with what to type instead."""
    found = _LABEL.match(label.strip())
    if found is None:
        raise InvalidInput(field="fiscal_year", hint="fiscal_year", value=label[:20])
    begins, ends = int(found.group(1)), int(found.group(2))
    if ends not in ((begins + 1) % 100, begins % 100):
        raise InvalidInput(field="fiscal_year", hint="fiscal_year", value=label[:20])
    return begins


# How people write a fiscal year besides "2026-27": "2026-2027", "2026/27", "2026 – 27", and
# "FY27" or "FY2027" (US districts name a fiscal year by the year it ends in).
_SPELLED = re.compile(r"^(\d{4})\s*[-/–—]\s*(\d{4}|\d{2})$")
_FY = re.compile(r"^fy\s*'?(\d{4}|\d{2})$", re.IGNORECASE)


def read_year(text: str, this_year: str = "") -> str:
    """The label ("2026-27") of the fiscal year ``text`` means. ``this_year``, the district's
    current label, says whether its years start on January 1 ("2026-26": FY2026 is then 2026).
    Anything else (a bare "2027": the year starting or ending then?) is refused."""
    said = text.strip()
    calendar_years = bool(this_year) and this_year[2:4] == this_year[5:7]
    found = _SPELLED.match(said)
    if found is not None:
        begins, ends = int(found.group(1)), int(found.group(2)) % 100
        said = f"{begins}-{ends:02d}"
    found = _FY.match(said)
    if found is not None:
        ends = int(found.group(1))
        ends = ends if ends >= 100 else 2000 + ends
        begins = ends if calendar_years else ends - 1
        said = f"{begins}-{ends % 100:02d}"
    try:
        parse_year(said)  # refuses what is still not a year, with what to type
    except InvalidInput:
        raise InvalidInput(field="fiscal_year", hint="fiscal_year", value=text[:20]) from None
    return said
