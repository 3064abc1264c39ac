"""Weekday names read as people mean them, against an injected "now": "next friday" said on a
Thursday is a week from tomorrow, never tomorrow."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coachbot.conversation.dates import parse_day

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
