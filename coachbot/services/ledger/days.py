"""The day an entry was made, as the district counts days: in its own time zone.

A credit (or a reversal) entered at 23:30 on June 30 in Chicago is in that fiscal year, and
HR's export must say June 30, not July 1 (the UTC day), or the row looks misfiled. The export
has a date for each of a year's ~600,000 entries, so the day is computed by the database:
PostgreSQL knows time zones; SQLite does not, so it is given the zone's UTC offsets around the
fiscal year (a few daylight-saving changes) as a CASE on the stored UTC instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal

from coachbot.domain.ledger import year_bounds

# Days either side of the fiscal year whose offsets SQLite is given: an entry dated just
# outside its year's bounds (there are none today) still gets its zone's offset right.
MARGIN = timedelta(days=7)


def offsets(zone: ZoneInfo, first: date, last: date) -> list[tuple[datetime, timedelta]]:
    """The zone's UTC offset from ``first`` to ``last``: [(from this UTC instant, offset)],
    the first entry standing for everything before the second."""
    at = datetime.combine(first, time(), UTC)
    end = datetime.combine(last + timedelta(days=1), time(), UTC)
    changes = [(at, at.astimezone(zone).utcoffset() or timedelta(0))]
    while at < end:
        at += timedelta(hours=1)  # zones change on the hour (UTC) but for a rare few
        offset = at.astimezone(zone).utcoffset() or timedelta(0)
        if offset != changes[-1][1]:
            changes.append((at, offset))
    return changes


def _shift(offset: timedelta) -> str:
    return f"{int(offset.total_seconds() // 60):+d} minutes"


def district_day(column: Any, dialect: str, zone: str, year: str, starts: str) -> Any:
    """SQL for the 'YYYY-MM-DD' day of ``column`` (a UTC instant) in ``zone``, for the entries
    of fiscal year ``year``."""
    if dialect == "postgresql":
        return func.to_char(func.timezone(zone, column), "YYYY-MM-DD")
    first, last = year_bounds(year, starts)
    changes = offsets(ZoneInfo(zone), first - MARGIN, last + MARGIN)
    shift: Any = literal(_shift(changes[0][1]))
    if len(changes) > 1:
        whens = [
            (column < at, literal(_shift(before)))
            for (at, _), (_, before) in zip(changes[1:], changes, strict=False)
        ]
        shift = case(*whens, else_=literal(_shift(changes[-1][1])))
    # Instants are stored in UTC as 'YYYY-MM-DD HH:MM:SS.ffffff' (see UTCDateTime).
    return func.substr(func.datetime(column, shift), 1, 10)
