"""School days on the example district's calendar: weekdays outside its breaks.

The demo's semester ends on its last school day (not inside the winter break), and its
epilogue dates the work it plays on the spring's school days, so every date the transcript
and HR's export show is a day a teacher would really be at school.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from coachbot.importing.calendar_reader import Break


def is_school_day(day: date, breaks: Sequence[Break]) -> bool:
    return day.weekday() < 5 and not any(b.starts_on <= day <= b.ends_on for b in breaks)


def last_school_day(on_or_before: date, breaks: Sequence[Break]) -> date:
    day = on_or_before
    while not is_school_day(day, breaks):
        day -= timedelta(days=1)
    return day


def school_days(after: date, breaks: Sequence[Break]) -> Iterator[date]:
    """The school days after ``after``, in order (endless: the caller takes what it needs)."""
    day = after
    while True:
        day += timedelta(days=1)
        if is_school_day(day, breaks):
            yield day
