"""School days: weekdays outside the district's breaks and holidays.

Plans, review due dates and reminders land on days a teacher is at school; a date typed by a
person is kept as they typed it, but what the bot suggests never falls on a weekend or in a
break. Pure functions of the dates and the breaks (inclusive ranges), so every wing reads the
calendar the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

Breaks = Sequence[tuple[date, date]]  # inclusive (first day, last day) ranges
HOURS_PER_SCHOOL_DAY = 0.6  # three hours a week next to a full teaching load


def is_school_day(day: date, breaks: Breaks = ()) -> bool:
    return day.weekday() < 5 and not any(first <= day <= last for first, last in breaks)


def next_school_day(day: date, breaks: Breaks = ()) -> date:
    """``day`` itself if it is a school day, else the first one after it."""
    for _ in range(366):
        if is_school_day(day, breaks):
            return day
        day += timedelta(days=1)
    return day  # a year without school days: the calendar is wrong, keep the date


def previous_school_day(day: date, breaks: Breaks = ()) -> date:
    """``day`` itself if it is a school day, else the last one before it."""
    for _ in range(366):
        if is_school_day(day, breaks):
            return day
        day -= timedelta(days=1)
    return day


def school_days(after: date, until: date, breaks: Breaks = ()) -> list[date]:
    """The school days in (``after``, ``until``]."""
    days = (after + timedelta(days=n) for n in range(1, (until - after).days + 1))
    return [day for day in days if is_school_day(day, breaks)]


def spread(count: int, after: date, deadline: date, breaks: Breaks = ()) -> list[date]:
    """``count`` dates spread evenly over the school days in (``after``, ``deadline``], the last
    on the last of them; days are shared only when there are fewer school days than steps."""
    days = school_days(after, deadline, breaks) or [deadline]
    if count <= 0:
        return []
    return [days[math.ceil(len(days) * (i + 1) / count) - 1] for i in range(count)]


def days_needed(hours: float) -> int:
    """School days a piece of work of ``hours`` takes at a sustainable pace."""
    return max(1, math.ceil(hours / HOURS_PER_SCHOOL_DAY))


def earliest_fitting(after: date, hours: float, breaks: Breaks = ()) -> date:
    """The first deadline that leaves enough school days after ``after`` for ``hours``."""
    day, left = after, days_needed(hours)
    while left > 0:
        day = next_school_day(day + timedelta(days=1), breaks)
        left -= 1
    return day
