"""Queue news for one person in the outbox, inside the caller's transaction.

News (feedback ready, a review to score, a teacher who needs a meeting) commits with the change
it reports, so a crash can lose neither; the dispatcher delivers it at once, quiet hours allowing.

Quiet hours hold back pings, never information: news a person reads by asking for it (their
feedback, in chat at 1 a.m.) is marked ``read`` here and is not sent again in the morning. The
row stays, so the history still shows it, with when it was read.

A platform that reaches a person only while they have the chat open (the terminal) leaves their
news ``waiting``: not sent, not failed, delivered when they next open it. Waiting news is as unsent
as pending news: it can still be read in chat, amended or dropped (``UNSENT``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.nudges import PRIORITY, NudgeKind
from coachbot.storage.models import NudgeRow

# Kept for the person to read when they next open the chat, and what the history says about it.
WAITING = "waiting"
UNTIL_CHAT = "until_they_open_the_chat"
# Rows not yet sent nor in a dispatcher's hands: what may still be read, changed or dropped.
UNSENT = ("pending", WAITING)


def queue(
    session: AsyncSession,
    now: datetime,
    *,
    key: str,
    district_id: int,
    person_id: int,
    kind: NudgeKind,
    subject: str,
    params: dict[str, Any],
    deliver_at: datetime | None = None,
    waiting: bool = False,
) -> None:
    """Add one ready outbox row (or one that waits until ``deliver_at``; with ``waiting``, one
    that waits for the person to open the chat); ``key`` is unique, so the same news is never
    queued twice."""
    session.add(
        NudgeRow(
            key=key,
            district_id=district_id,
            person_id=person_id,
            kind=kind.value,
            subject=subject,
            priority=PRIORITY[kind],
            due_at=now,
            deliver_at=deliver_at or now,
            status=WAITING if waiting else "pending",
            attempts=0,
            dropped_reason=UNTIL_CHAT if waiting else None,
            params=params,
            created_at=now,
        )
    )


# What a row read in chat says in the history, where a dropped row says why.
READ_IN_CHAT = "read_in_chat"


async def mark_read(session: AsyncSession, now: datetime, *, person_id: int, ids: list[int]) -> int:
    """Mark ``person_id``'s news rows ``ids`` read, if they still wait to be sent; returns how
    many. A row a dispatcher has already claimed is in flight and is left to it."""
    if not ids:
        return 0
    result = await session.execute(
        update(NudgeRow)
        .where(
            NudgeRow.id.in_(ids),
            NudgeRow.person_id == person_id,
            NudgeRow.status.in_(UNSENT),
        )
        .values(status="read", sent_at=now, dropped_reason=READ_IN_CHAT)
    )
    return cast("CursorResult[Any]", result).rowcount or 0
