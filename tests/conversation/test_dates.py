"""Weekday names read as people mean them, against an injected "now": "next friday" said on a
Thursday is a week from tomorrow, never tomorrow."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coachbot.conversation.dates import Refusal, parse_day, read_day

THURSDAY = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # 9 a.m. in Chicago
FRIDAY = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
SUNDAY = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "now", "meant"),
    [
        ("next friday", THURSDAY, date(2026, 12, 11)),  # the Friday of next week: 8 days
        ("Next Friday", THURSDAY, date(2026, 12, 11)),
        ("next fri", THURSDAY, date(2026, 12, 11)),
        ("this friday", THURSDAY, date(2026, 12, 4)),  # the nearest: tomorrow
        ("friday", THURSDAY, date(2026, 12, 4)),
        ("this coming friday", THURSDAY, date(2026, 12, 4)),
        ("next monday", THURSDAY, date(2026, 12, 7)),
        ("next thursday", THURSDAY, date(2026, 12, 10)),
        ("thursday", THURSDAY, date(2026, 12, 10)),  # a week on: plans look forward
        ("this thursday", THURSDAY, date(2026, 12, 3)),  # today
        ("friday", FRIDAY, date(2026, 12, 11)),
        ("next friday", FRIDAY, date(2026, 12, 11)),
        ("next friday", SUNDAY, date(2026, 12, 11)),
        ("in 2 weeks", THURSDAY, date(2026, 12, 17)),
        ("2026-12-20", THURSDAY, date(2026, 12, 20)),
    ],
)
def test_a_day_in_words(typed: str, now: datetime, meant: date) -> None:
    assert parse_day(typed, "America/Chicago", now) == meant


def test_late_thursday_evening_in_chicago_is_still_thursday() -> None:
    # 11 p.m. Thursday in Chicago is already Friday in UTC: the person's own day counts.
    late = datetime(2026, 12, 4, 5, 0, tzinfo=UTC)
    assert parse_day("next friday", "America/Chicago", late) == date(2026, 12, 11)
    assert parse_day("friday", "America/Chicago", late) == date(2026, 12, 4)


def test_nonsense_is_not_a_day() -> None:
    assert parse_day("next fryday of doom", "America/Chicago", THURSDAY) is None


@pytest.mark.parametrize(
    ("typed", "month", "days"),
    [
        ("jan 32", "January", 31),  # dateparser alone reads it as January 1, 2032
        ("32 jan", "January", 31),
        ("January 32nd", "January", 31),
        ("feb 30", "February", 28),
        ("30th of feb", "February", 28),
        ("feb 29 2027", "February 2027", 28),
        ("apr 31", "April", 30),
        ("sept 31", "September", 30),
        ("2027-06-31", "June 2027", 30),
    ],
)
def test_a_day_no_month_has_is_refused_not_guessed(typed: str, month: str, days: int) -> None:
    refused = read_day(typed, "America/Chicago", THURSDAY)
    assert isinstance(refused, Refusal) and refused.message == "date_no_such_day"
    assert (refused.params["month"], refused.params["days"]) == (month, days)
    assert parse_day(typed, "America/Chicago", THURSDAY) is None


def test_the_last_day_of_a_month_and_a_leap_day_are_taken() -> None:
    assert parse_day("jan 31", "America/Chicago", THURSDAY) == date(2027, 1, 31)
    assert parse_day("feb 29", "America/Chicago", THURSDAY) == date(2028, 2, 29)
    assert parse_day("Feb 29, 2028", "America/Chicago", THURSDAY) == date(2028, 2, 29)


def test_a_day_years_away_is_read_back_unless_its_year_is_written() -> None:
    refused = read_day("in 3 years", "America/Chicago", THURSDAY)
    assert isinstance(refused, Refusal) and refused.message == "date_far"
    assert refused.params["iso"].startswith("2029-")
    assert parse_day("2032-01-01", "America/Chicago", THURSDAY) == date(2032, 1, 1)
    assert parse_day("jan 1 2032", "America/Chicago", THURSDAY) == date(2032, 1, 1)
    assert parse_day("in 2 weeks", "America/Chicago", THURSDAY) == date(2026, 12, 17)
