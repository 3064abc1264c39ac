"""What the outbox holds: for `coachbot nudges`, for "why did you message me?", and the messages
a platform would not take (dead letters), which admins may send again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, func, select, update
from sqlalchemy.orm import InstrumentedAttribute

from coachbot.clock import Clock
from coachbot.services.nudging import claims
from coachbot.services.nudging.held_reasons import about, why_held
from coachbot.services.nudging.quiet import quiet_rules
from coachbot.services.record import outbox
from coachbot.storage.database import Database
from coachbot.storage.models import District, NudgeRow, Person


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
    timezone: str = "UTC"  # the person's own, or their district's: times are shown in it


@dataclass(frozen=True)
class DeadLetter:
    """A message the platform would not take after every retry, as an admin sees it."""

    person_id: int
    person: str
    kind: str
    deliver_at: datetime
    attempts: int
    error: str | None


@dataclass(frozen=True)
class WaitingLetter:
    """A message kept for someone until they next open the chat, as an admin sees it."""

    person: str
    kind: str
    since: datetime
    about: dict[str, Any] = field(default_factory=dict)  # what it is: held_reasons.about


@dataclass(frozen=True)
class HeldLetter:
    """News that is due but held, as an admin sees it: what it is, when it goes, and why
    (held_reasons: its earner hears first, a snooze, a school break, a weekend, quiet hours)."""

    person: str
    kind: str
    goes_at: datetime
    about: dict[str, Any] = field(default_factory=dict)
    why: str = ""
    break_name: str = ""


class OutboxHistory:
    """Reading the outbox's history, and giving dead letters another go."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def lines(
        self, *, email: str | None = None, limit: int = 200, statuses: tuple[str, ...] = ()
    ) -> list[NudgeLine]:
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
                func.coalesce(Person.timezone, District.timezone),
            )
            .join(Person, Person.id == NudgeRow.person_id)
            .join(District, District.id == Person.district_id)
            .order_by(NudgeRow.deliver_at.desc(), NudgeRow.id.desc())
            .limit(limit)
        )
        if email:
            query = query.where(Person.email == email.strip().lower())
        if statuses:
            query = query.where(NudgeRow.status.in_(statuses))
        async with self.db.read() as session:
            return [
                NudgeLine(name, kind, subject, status, deliver, sent, dropped or error, attempts,
                          zone)
                for name, kind, subject, status, deliver, sent, dropped, error, attempts, zone in (
                    await session.execute(query)
                ).all()
            ]

    async def last_sent_to(self, person_id: int) -> NudgeRow | None:
        async with self.db.read() as session:
            return await session.scalar(
                select(NudgeRow)
                .where(NudgeRow.person_id == person_id, NudgeRow.status == "sent")
                .order_by(NudgeRow.sent_at.desc())
                .limit(1)
            )

    async def dead_letters(
        self, district_id: int, *, limit: int = 10
    ) -> tuple[int, list[DeadLetter]]:
        """How many messages in one district are dead-lettered, and the most recent of them."""
        async with self.db.read() as session:
            total = await session.scalar(
                select(func.count())
                .select_from(NudgeRow)
                .where(NudgeRow.status == "dead", NudgeRow.district_id == district_id)
            )
            rows = await session.execute(
                select(Person.id, Person.name, NudgeRow.kind, NudgeRow.deliver_at,
                       NudgeRow.attempts, NudgeRow.last_error)
                .join(Person, Person.id == NudgeRow.person_id)
                .where(NudgeRow.status == "dead", NudgeRow.district_id == district_id)
                .order_by(NudgeRow.deliver_at.desc(), NudgeRow.id.desc())
                .limit(limit)
            )  # fmt: skip
            return total or 0, [DeadLetter(*row) for row in rows.all()]

    async def waiting_for_chat(
        self, district_id: int, *, limit: int = 10
    ) -> tuple[int, list[WaitingLetter]]:
        """How many messages in one district wait for their person to open the chat (nothing
        failed: they go when the person is there), and the oldest of them."""
        mine = (NudgeRow.status == outbox.WAITING) & (NudgeRow.district_id == district_id)
        total, rows = await self._letters(mine, NudgeRow.created_at, limit)
        return total, [
            WaitingLetter(person.name, row.kind, row.created_at, about(row.params))
            for row, person in rows
        ]

    async def held_back(
        self, district_id: int, *, limit: int = 10
    ) -> tuple[int, list[HeldLetter]]:
        """How many messages in one district are due but held (nothing failed: they go at
        their next allowed moment, or once what they follow has gone), and the soonest of them,
        each with why it waits."""
        now = self.clock.now()
        mine = claims.held_back(now) & (NudgeRow.district_id == district_id)
        total, rows = await self._letters(mine, NudgeRow.deliver_at, limit)
        letters = []
        async with self.db.read() as session:
            for row, person in rows:
                why, break_name = await why_held(session, row, person, now)
                letters.append(HeldLetter(person.name, row.kind, row.deliver_at,
                                          about(row.params), why, break_name))  # fmt: skip
        return total, letters

    async def _letters(
        self, mine: ColumnElement[bool], when: InstrumentedAttribute[Any], limit: int
    ) -> tuple[int, list[Any]]:
        """How many outbox rows match ``mine``, and the first ``limit`` of them by ``when``:
        each row with its person."""
        async with self.db.read() as session:
            total = await session.scalar(select(func.count()).select_from(NudgeRow).where(mine))
            rows = await session.execute(
                select(NudgeRow, Person)
                .join(Person, Person.id == NudgeRow.person_id)
                .where(mine)
                .order_by(when, NudgeRow.id)
                .limit(limit)
            )
            return total or 0, list(rows.all())

    async def held_until(self, key: str) -> datetime | None:
        """When the news queued under ``key`` will go, if its person's quiet hours or a school
        break hold it (it was just queued, or already held); None when it goes at once or has
        gone. Lets whoever caused the news say when it arrives, not only that it will."""
        now = self.clock.now()
        async with self.db.read() as session:
            row = await session.scalar(select(NudgeRow).where(NudgeRow.key == key))
            if row is None or row.status != "pending" or row.due_at > now:
                return None
            if row.deliver_at > now:
                return row.deliver_at
            person = await session.get(Person, row.person_id)
            assert person is not None  # a nudge's person is never deleted
            rules = await quiet_rules(session, person)
            return rules.next_allowed(now) if rules.is_quiet(now) else None

    async def retry_dead(
        self,
        email: str | None = None,
        *,
        district_id: int | None = None,
        person_id: int | None = None,
    ) -> int:
        """Give dead-lettered messages another go (after the platform or the token was fixed).

        From chat an admin retries only their own district's messages (``district_id``); the
        CLI, run by whoever runs the server, may retry everything."""
        query = update(NudgeRow).where(NudgeRow.status == "dead")
        if email:
            ids = select(Person.id).where(Person.email == email.strip().lower())
            query = query.where(NudgeRow.person_id.in_(ids))
        if district_id is not None:
            query = query.where(NudgeRow.district_id == district_id)
        if person_id is not None:
            query = query.where(NudgeRow.person_id == person_id)
        async with self.db.write() as session:
            result = await session.execute(
                query.values(
                    status="pending", attempts=0, deliver_at=self.clock.now(), last_error=None
                )
            )
            return cast("CursorResult[Any]", result).rowcount or 0

    async def read_in_chat(self, person_id: int, news_ids: list[int]) -> int:
        """The person read this news by asking (``feedback``, ``status``): what still waits in
        the outbox for it is marked read, so the morning does not send it again."""
        async with self.db.write() as session:
            return await outbox.mark_read(
                session, self.clock.now(), person_id=person_id, ids=news_ids
            )
