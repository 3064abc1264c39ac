"""Evidence nobody could take yet: remember it, and say honestly when feedback can come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.services.reviews.routing import context, next_free_at
from coachbot.storage.models import Pursuit, ReviewWait

RETRY = timedelta(days=1)  # with nobody allowed at all, look again daily (an admin may add one)


@dataclass(frozen=True)
class Waiting:
    since: datetime
    next_try_at: datetime
    # When the teacher can expect feedback: a reviewer's room frees up, plus the review
    # deadline. None when no allowed reviewer exists yet, so no date can honestly be promised.
    expected_by: datetime | None


async def note(session: AsyncSession, pursuit: Pursuit, now: datetime) -> Waiting:
    """Record (or refresh) that ``pursuit``'s evidence waits for a reviewer."""
    free_at = await next_free_at(session, pursuit, now)
    deadline = timedelta(days=(await context(session, pursuit)).policy.review_deadline_days)
    expected = free_at + deadline if free_at is not None else None
    wait = await session.get(ReviewWait, pursuit.id)
    if wait is None:
        wait = ReviewWait(pursuit_id=pursuit.id, district_id=pursuit.district_id, since=now)
        session.add(wait)
        wait.tries = 1
    else:
        wait.tries += 1
    wait.next_try_at = max(free_at, now) if free_at is not None else now + RETRY
    wait.expected_by = expected
    await session.flush()
    return Waiting(wait.since, wait.next_try_at, wait.expected_by)


async def clear(session: AsyncSession, pursuit_id: int) -> None:
    await session.execute(delete(ReviewWait).where(ReviewWait.pursuit_id == pursuit_id))


async def waiting(session: AsyncSession, pursuit_id: int) -> Waiting | None:
    wait = await session.get(ReviewWait, pursuit_id)
    if wait is None:
        return None
    return Waiting(wait.since, wait.next_try_at, wait.expected_by)
