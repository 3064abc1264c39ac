"""The district's school breaks as date ranges, for every wing that places a date: plans,
review due dates, reminders and digests all skip the same days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.school_days import next_school_day
from coachbot.storage.models import District, SchoolBreak


async def school_breaks(
    session: AsyncSession, district_id: int, since: date | None = None
) -> tuple[tuple[date, date], ...]:
    """The district's breaks (inclusive ranges), those ending on or after ``since`` if given."""
    query = select(SchoolBreak.starts_on, SchoolBreak.ends_on).where(
        SchoolBreak.district_id == district_id
    )
    if since is not None:
        query = query.where(SchoolBreak.ends_on >= since)
    rows = await session.execute(query.order_by(SchoolBreak.starts_on))
    return tuple((first, last) for first, last in rows.all())


async def due_on_a_school_day(
    session: AsyncSession, district_id: int, now: datetime, days: int
) -> datetime:
    """``days`` after ``now``, moved on to the next school day (same time of day, in the
    district's zone) when it would fall on a weekend or in a break: a reviewer is never due
    over Thanksgiving."""
    district = await session.get(District, district_id)
    assert district is not None
    local = (now + timedelta(days=days)).astimezone(ZoneInfo(district.timezone))
    breaks = await school_breaks(session, district_id, local.date())
    day = next_school_day(local.date(), breaks)
    moved = local.replace(tzinfo=None) + timedelta(days=(day - local.date()).days)
    return moved.replace(tzinfo=ZoneInfo(district.timezone)).astimezone(UTC)
