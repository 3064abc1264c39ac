"""Fiscal years as HR names them: the day a credit falls in, and each year's first and last day."""

from __future__ import annotations

from datetime import date

import pytest

from coachbot.domain.errors import InvalidInput
from coachbot.domain.ledger import fiscal_year, parse_year, year_bounds


def test_june_30_closes_a_year_and_july_1_opens_the_next() -> None:
    assert fiscal_year(date(2026, 6, 30)) == "2025-26"
    assert fiscal_year(date(2026, 7, 1)) == "2026-27"
    assert fiscal_year(date(2027, 1, 15)) == "2026-27"
    assert fiscal_year(date(2026, 9, 30), "10-01") == "2025-26"
    assert fiscal_year(date(2026, 10, 1), "10-01") == "2026-27"
    assert fiscal_year(date(2099, 12, 31), "07-01") == "2099-00"


def test_a_years_bounds() -> None:
    assert year_bounds("2026-27") == (date(2026, 7, 1), date(2027, 6, 30))
    assert year_bounds("2026-27", "10-01") == (date(2026, 10, 1), date(2027, 9, 30))


@pytest.mark.parametrize("label", ["2026", "26-27", "2026-28", "next year", "2026/27"])
def test_what_is_not_a_fiscal_year_is_refused_with_a_hint(label: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_year(label)
    assert caught.value.params["hint"] == "fiscal_year"


def test_a_first_day_must_be_a_day_every_year_has() -> None:
    with pytest.raises(InvalidInput):
        fiscal_year(date(2026, 1, 1), "02-29")
