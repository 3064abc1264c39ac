"""Dates in plain words ("next friday", "in 2 weeks", "Dec 3") in the person's own time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dateparser

ISO_LIKE = "%Y-%m-%d"


def parse_day(text: str, timezone: str, now: datetime) -> date | None:
    """The calendar day ``text`` means for someone in ``timezone`` at ``now``; None if unclear.

    Dates without a year, or weekday names, are read as the next such day, since plans and
    snoozes look forward.
    """
    text = text.strip()
    if not text or len(text) > 60:
        return None
    local_now = now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    if parsed is None:
        return None
    day = parsed.date()
    if text.lower().startswith("next ") and day <= local_now.date():
        return None
    return day


def spoken(day: date) -> str:
    """An unambiguous way to echo a date back: "Friday, December 4, 2026"."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"
