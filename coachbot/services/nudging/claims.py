"""Claiming outbox rows for one dispatcher, and finishing them: the outbox's concurrency rules.

Kept apart from what the dispatcher decides about a row, because this is where two
dispatchers (replicas, or Slack's and Discord's in one process) must never step on each other.
Claims use ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of dispatchers share the
work without sending a row twice; each claim carries a lease, and a killed process's claims are
taken over once the lease runs out. Only the claim's holder may finish a row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update

from coachbot.clock import Clock
from coachbot.services.nudging.reach import reached_on_a_platform
from coachbot.services.record.outbox import WAITING
from coachbot.storage.database import Database
from coachbot.storage.models import NudgeRow
from coachbot.storage.platforms import PlatformAccount


class OutboxClaims:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        worker: str,
        lease: timedelta,
        platform: str | None,
        unlinked: bool,
    ) -> None:
        self.db, self.clock, self.worker, self.lease = db, clock, worker, lease
        # A platform's dispatcher claims only the nudges of people it can reach (an account on
        # that platform): with Slack and Discord in one deployment, neither claims the other's
        # people and dead-letters them as unreachable. None: every nudge (one platform only).
        # ``unlinked``: also people with no account on any platform yet (Slack finds them by
        # email where the district allows it); with no platform, only them (the terminal,
        # beside a Slack or Discord deployment, must not hold those people's news).
        self.platform, self.unlinked = platform, unlinked

    async def waiting_for(self, person_id: int) -> frozenset[int]:
        """The ids of the rows for ``person_id`` to read now they opened the chat: those waiting
        for it, and news whose time has come but was held for their quiet hours or a break."""
        mine = (NudgeRow.person_id == person_id) & for_someone_here(self.clock.now())
        async with self.db.read() as session:
            return frozenset(await session.scalars(select(NudgeRow.id).where(mine)))

    async def claim(self, limit: int, *, person_id: int | None = None) -> list[NudgeRow]:
        """Ready rows (or a killed dispatcher's); with ``person_id``, that person's only, and
        the rows waiting for them to open the chat too."""
        now = self.clock.now()
        open_: ColumnElement[bool] = or_(
            (NudgeRow.status == "pending") & (NudgeRow.deliver_at <= now),
            (NudgeRow.status == "claimed") & (NudgeRow.lease_until < now),
        )
        if person_id is not None:
            open_ = (NudgeRow.person_id == person_id) & or_(
                open_, for_someone_here(now)
            )
        async with self.db.write() as session:
            ready = (
                select(NudgeRow.id)
                .where(open_)
                .order_by(NudgeRow.deliver_at, NudgeRow.id)
                .limit(limit)
            )
            if self.platform is not None:
                accounts = select(PlatformAccount.person_id).where(
                    PlatformAccount.platform == self.platform)
                mine: ColumnElement[bool] = NudgeRow.person_id.in_(accounts)
                if self.unlinked:
                    mine = or_(mine, NudgeRow.person_id.not_in(
                        select(PlatformAccount.person_id)))
                ready = ready.where(mine)
            elif self.unlinked:  # the terminal: only people no linked chat platform reaches
                ready = ready.where(
                    ~reached_on_a_platform(NudgeRow.person_id, NudgeRow.district_id)
                )
            if not self.db.is_sqlite:
                ready = ready.with_for_update(skip_locked=True)
            ids = list(await session.scalars(ready))
            if not ids:
                return []
            await session.execute(
                update(NudgeRow)
                .where(NudgeRow.id.in_(ids))
                .values(status="claimed", claimed_by=self.worker, lease_until=now + self.lease)
            )
            # In the outbox's order, so people are served (and, one at a time, printed) in it.
            claimed = select(NudgeRow).where(NudgeRow.id.in_(ids))
            return list(await session.scalars(claimed.order_by(NudgeRow.deliver_at, NudgeRow.id)))

    async def finish(
        self,
        row: NudgeRow,
        status: str,
        *,
        reason: str | None = None,
        deliver_at: datetime | None = None,
        message_id: str | None = None,
        error: str | None = None,
        attempts: int | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status, "claimed_by": None, "lease_until": None}
        if reason:
            values["dropped_reason"] = reason
        if deliver_at:
            values["deliver_at"] = deliver_at
        if message_id is not None:
            values |= {"platform_message_id": message_id, "sent_at": self.clock.now()}
        if error:
            values["last_error"] = error[:500]
        if attempts is not None:
            values["attempts"] = attempts
        async with self.db.write() as session:
            # Only the claim's holder may finish it: a dispatcher whose lease ran out and was
            # taken over does not overwrite what the new holder did.
            await session.execute(
                update(NudgeRow)
                .where(
                    NudgeRow.id == row.id,
                    NudgeRow.claimed_by == self.worker,
                    NudgeRow.status == "claimed",
                )
                .values(**values)
            )


def held_back(now: datetime) -> ColumnElement[bool]:
    """News whose time has come (``due_at``) but that the humane rules held for later (quiet
    hours, a school break, a snooze, what it follows): pending, due, its next moment still
    ahead. A reminder planned for a future day is not due yet, and a row the platform did not
    take (``attempts``) waits for its retry, not for the person: neither is held back."""
    return (
        (NudgeRow.status == "pending")
        & (NudgeRow.due_at <= now)
        & (NudgeRow.deliver_at > now)
        & (NudgeRow.attempts == 0)
    )


def for_someone_here(now: datetime) -> ColumnElement[bool]:
    """What a person who just opened the chat reads at once: what waited for them to open it,
    and what was held back only so as not to disturb them (they are here, reading)."""
    return or_(NudgeRow.status == WAITING, held_back(now))
