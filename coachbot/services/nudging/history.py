"""What the outbox holds, for `coachbot nudges` and for "why did you message me?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from coachbot.storage.database import Database
from coachbot.storage.models import NudgeRow, Person


@dataclass(frozen=True)
class NudgeLine:
    person: str
    kind: str
    subject: str
    status: str
    deliver_at: datetime
    sent_at: datetime | None
    reason: str | None  # why it was dropped, or the last delivery error
    attempts: int


async def nudge_lines(
    db: Database, *, email: str | None = None, limit: int = 200, statuses: tuple[str, ...] = ()
) -> list[NudgeLine]:
    async with db.read() as session:
        query = (
            select(
                Person.name,
                NudgeRow.kind,
                NudgeRow.subject,
                NudgeRow.status,
                NudgeRow.deliver_at,
                NudgeRow.sent_at,
                NudgeRow.dropped_reason,
                NudgeRow.last_error,
                NudgeRow.attempts,
            )
            .join(Person, Person.id == NudgeRow.person_id)
            .order_by(NudgeRow.deliver_at.desc(), NudgeRow.id.desc())
            .limit(limit)
        )
        if email:
            query = query.where(Person.email == email.strip().lower())
        if statuses:
            query = query.where(NudgeRow.status.in_(statuses))
        return [
            NudgeLine(name, kind, subject, status, deliver, sent, dropped or error, attempts)
            for name, kind, subject, status, deliver, sent, dropped, error, attempts in (
                await session.execute(query)
            ).all()
        ]


async def last_sent_to(db: Database, person_id: int) -> NudgeRow | None:
    async with db.read() as session:
        return await session.scalar(
            select(NudgeRow)
            .where(NudgeRow.person_id == person_id, NudgeRow.status == "sent")
            .order_by(NudgeRow.sent_at.desc())
            .limit(1)
        )


@dataclass(frozen=True)
class DeadLetter:
    """A message the platform would not take after every retry, as an admin sees it."""

    person_id: int
    person: str
    kind: str
    deliver_at: datetime
    attempts: int
    error: str | None


async def dead_letters(db: Database, district_id: int, *, limit: int = 10) -> tuple[
    int, list[DeadLetter]
]:
    """How many messages in one district are dead-lettered, and the most recent of them."""
    async with db.read() as session:
        total = await session.scalar(
            select(func.count()).select_from(NudgeRow).where(
                NudgeRow.status == "dead", NudgeRow.district_id == district_id
            )
        )
        rows = await session.execute(
            select(Person.id, Person.name, NudgeRow.kind, NudgeRow.deliver_at,
                   NudgeRow.attempts, NudgeRow.last_error)
            .join(Person, Person.id == NudgeRow.person_id)
            .where(NudgeRow.status == "dead", NudgeRow.district_id == district_id)
            .order_by(NudgeRow.deliver_at.desc(), NudgeRow.id.desc())
            .limit(limit)
        )
        return total or 0, [DeadLetter(*row) for row in rows.all()]


async def retry_dead(
    db: Database,
    now: datetime,
    email: str | None = None,
    *,
    district_id: int | None = None,
    person_id: int | None = None,
) -> int:
    """Give dead-lettered messages another go (after the platform or the token was fixed).

    From chat an admin retries only their own district's messages (``district_id``); the CLI,
    run by whoever runs the server, may retry everything."""
    async with db.write() as session:
        query = update(NudgeRow).where(NudgeRow.status == "dead")
        if email:
            ids = select(Person.id).where(Person.email == email.strip().lower())
            query = query.where(NudgeRow.person_id.in_(ids))
        if district_id is not None:
            query = query.where(NudgeRow.district_id == district_id)
        if person_id is not None:
            query = query.where(NudgeRow.person_id == person_id)
        result = await session.execute(
            query.values(status="pending", attempts=0, deliver_at=now, last_error=None)
        )
        return result.rowcount or 0
