"""Dates in plain words ("next friday", "in 2 weeks", "Dec 3") in the person's own time zone."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

ISO_LIKE = "%Y-%m-%d"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "friday", "this fri", "next Friday", "coming friday": read here, not by dateparser, which
# reads "next friday" on a Thursday as tomorrow.
WEEKDAY = re.compile(
    r"^(?:(?P<which>this|next|coming|this coming)\s+)?(?P<day>mon|tues?|wed(?:nes)?|thu(?:rs?)?"
    r"|fri|sat(?:ur)?|sun)(?:day)?\.?$",
    re.IGNORECASE,
)


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
    weekday = _weekday(text, local_now.date())
    if weekday is not None:
        return weekday
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


def _weekday(text: str, today: date) -> date | None:
    """A weekday name as people mean it: "friday" and "this friday" are the nearest Friday
    ("this friday" said on a Friday is today, "friday" is a week on, since plans look
    forward); "next friday" is the Friday of next week (weeks start on Monday), so on a
    Thursday it is eight days away, not tomorrow."""
    match = WEEKDAY.match(" ".join(text.lower().split()))
    if match is None:
        return None
    wanted = next(i for i, name in enumerate(DAYS) if name.startswith(match.group("day")[:3]))
    which = match.group("which") or ""
    if which == "next":
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=wanted)
    ahead = (wanted - today.weekday()) % 7
    if ahead == 0 and which != "this":
        ahead = 7
    return today + timedelta(days=ahead)


def spoken(day: date) -> str:
    """An unambiguous way to echo a date back: "Friday, December 4, 2026"."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"
