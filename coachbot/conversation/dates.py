"""Dates in plain words ("next friday", "in 2 weeks", "Dec 3") in the person's own time zone.

A day that no month has ("jan 32", "feb 30") is refused, never guessed: dateparser reads the
"32" of "jan 32" as a year and would give January 1, 2032. A day more than about two years
away is read back rather than taken, unless its year was written out (then it was meant).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
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
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_ORD = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MON = r"(?P<mon>[a-z]{3,9})\.?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
# "jan 32", "January 32nd, 2027", "32 jan", "30th of feb", "2027-02-30".
MONTH_DAY = (
    re.compile(rf"^{_MON}\s+{_ORD}{_YEAR}$", re.IGNORECASE),
    re.compile(rf"^{_ORD}\s+(?:of\s+)?{_MON}{_YEAR}$", re.IGNORECASE),
    re.compile(r"^(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})$"),
)
FAR = timedelta(days=730)  # about two years: a cohort, a deadline or a snooze is seldom further


@dataclass(frozen=True)
class Refusal:
    """Why a date is not taken: ``no_such_day`` (month, days, value) or ``far_away`` (day,
    value, iso); the name of the message in forms.j2 and its params."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)


def parse_day(text: str, timezone: str, now: datetime) -> date | None:
    """The calendar day ``text`` means for someone in ``timezone`` at ``now``; None if unclear,
    impossible or unlikely (see ``read_day`` for why)."""
    read = read_day(text, timezone, now)
    return read if isinstance(read, date) else None


def read_day(text: str, timezone: str, now: datetime) -> date | Refusal | None:
    """The calendar day ``text`` means for someone in ``timezone`` at ``now``; a ``Refusal``
    for a day no month has or one more than about two years away (its year not written out);
    None if unclear.

    Dates without a year, or weekday names, are read as the next such day, since plans and
    snoozes look forward.
    """
    text = text.strip()
    impossible = _no_such_day(text)
    if impossible is not None:
        return impossible
    day = _read(text, timezone, now)
    if day is None:
        return None
    today = now.astimezone(ZoneInfo(timezone)).date()
    if abs(day - today) > FAR and not re.search(rf"\b{day.year}\b", text):
        return Refusal("date_far", {"value": text[:60], "day": spoken(day),
                                    "iso": day.isoformat()})  # fmt: skip
    return day


def _no_such_day(text: str) -> Refusal | None:
    """"jan 32" or "feb 30": a month named (or numbered in a full date) with a day it never
    has. February without a year may have 29 days."""
    for pattern in MONTH_DAY:
        match = pattern.match(" ".join(text.split()))
        if match is None:
            continue
        month = _month(match.group("mon"))
        if month is None:
            return None
        year = match.group("year")
        days = calendar.monthrange(int(year) if year else 2000, month)[1]  # 2000: a leap year
        if int(match.group("day")) <= days:
            return None
        leap = month == 2 and not year
        days = 28 if leap else days
        name = calendar.month_name[month]
        return Refusal("date_no_such_day", {
            "value": text[:60], "month": f"{name} {year}" if year else name, "days": days,
            "leap": leap, "example": f"{name[:3]} {days}"})  # fmt: skip
    return None


def _month(word: str) -> int | None:
    if word.isdigit():
        return int(word) if 1 <= int(word) <= 12 else None
    found = [n for name, n in MONTHS.items() if name.startswith(word.lower())]
    return found[0] if len(found) == 1 and (len(word) >= 3) else None


def _read(text: str, timezone: str, now: datetime) -> date | None:
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
