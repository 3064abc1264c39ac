"""The dispatcher: claim ready outbox rows, apply the humane rules, deliver, record.

Claims use ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of dispatchers share the
work without sending a row twice; each claim carries a lease, and a killed process's claims are
taken over once the lease runs out. The send happens outside any transaction; the one window no
platform lets us close (the send succeeded, the record did not commit) can repeat a message once.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select, update

from coachbot.clock import Clock
from coachbot.domain.nudges import (
    FOLLOWS,
    TEACHER_REMINDERS,
    Candidate,
    NudgeKind,
    PersonChoices,
    choose,
)
from coachbot.services.nudging.due import Thresholds
from coachbot.services.nudging.quiet import quiet_rules
from coachbot.services.nudging.stale import is_stale
from coachbot.services.record.outbox import UNTIL_CHAT, WAITING
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import District, NudgeRow, Person, PersonSettings
from coachbot.storage.platforms import PlatformAccount


@dataclass(frozen=True)
class Outgoing:
    id: int
    key: str
    person_id: int
    kind: NudgeKind
    subject: str
    params: dict[str, Any]
    timezone: str = "UTC"  # the recipient's own (or their district's): dates read in it


class RateLimited(Exception):
    """The platform asked us to slow down (HTTP 429 with Retry-After)."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"retry after {retry_after}s")


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        self.permanent = permanent
        super().__init__(reason)


class WaitsForChat(Exception):
    """The platform reaches the person only while they have the chat open (the terminal): the
    message is not failed, it waits in the outbox, never retried on a timer, and goes when they
    next open the chat (``Dispatcher.deliver_waiting``). Not a ``DeliveryFailed``: nothing is
    wrong for an admin to fix."""


# Delivers one nudge through the platform and returns its message id.
Deliver = Callable[[Outgoing], Awaitable[str]]


@dataclass
class DispatchResult:
    sent: int = 0
    deferred: int = 0
    dropped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    retried: int = 0
    dead: int = 0
    waiting: int = 0  # kept for people who read them when they next open the chat


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        send: Deliver,
        *,
        worker: str = "main",
        lease: timedelta = timedelta(minutes=2),
        max_attempts: int = 6,
        thresholds: Thresholds | None = None,
        rng: random.Random | None = None,
        concurrency: int = 8,
        platform: str | None = None,
        unlinked: bool = False,
    ) -> None:
        self.db, self.clock, self.send, self.worker = db, clock, send, worker
        # A platform's dispatcher claims only the nudges of people it can reach (an account on
        # that platform): with Slack and Discord in one deployment, neither claims the other's
        # people and dead-letters them as unreachable. None: every nudge (one platform only).
        # ``unlinked``: also people with no account on any platform yet (Slack finds them by
        # email where the district allows it).
        self.platform, self.unlinked = platform, unlinked
        # People are served side by side: one person's checks (quiet hours, staleness) and the
        # platform's round trip would otherwise hold up everyone behind them, and the platform's
        # allowed rate goes unused. One person's own messages still go one after another.
        self.concurrency = max(1, concurrency)
        self.lease, self.max_attempts = lease, max_attempts
        self.thresholds = thresholds or Thresholds()
        self.rng = rng or random.Random()

    async def deliver_waiting(self, person_id: int, limit: int = 100) -> DispatchResult:
        """The person just opened the chat: what waits for them there (and anything else of
        theirs ready to go) is delivered now, oldest first. What waited had met their quiet
        hours when it was sent and would have reached them then: their night does not hold it
        back again. What is only now ready meets the usual rules, quiet hours included.
        Staleness, mute, snooze and the weekly cap apply to both."""
        result = DispatchResult()
        async with self.db.read() as session:
            waited = frozenset(await session.scalars(select(NudgeRow.id).where(
                NudgeRow.person_id == person_id, NudgeRow.status == WAITING)))  # fmt: skip
        rows = await self._claim(limit, person_id=person_id)
        if rows:
            await self._person(person_id, rows, result, present=True, waited=waited)
        return result

    async def run_once(self, limit: int = 100) -> DispatchResult:
        result = DispatchResult()
        claimed = await self._claim(limit)
        by_person: dict[int, list[NudgeRow]] = defaultdict(list)
        for row in claimed:
            by_person[row.person_id].append(row)
        slots = asyncio.Semaphore(self.concurrency)

        async def serve(person_id: int, rows: list[NudgeRow]) -> None:
            async with slots:
                await self._person(person_id, rows, result)

        outcomes = await asyncio.gather(
            *(serve(person_id, rows) for person_id, rows in by_person.items()),
            return_exceptions=True,
        )
        # Everyone else was still served; the first failure is raised as the loop used to
        # (the rows of that person stay claimed until their lease runs out, then retried).
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return result

    async def _claim(self, limit: int, *, person_id: int | None = None) -> list[NudgeRow]:
        """Ready rows (or a killed dispatcher's); with ``person_id``, that person's only, and
        the rows waiting for them to open the chat too."""
        now = self.clock.now()
        open_: ColumnElement[bool] = or_(
            (NudgeRow.status == "pending") & (NudgeRow.deliver_at <= now),
            (NudgeRow.status == "claimed") & (NudgeRow.lease_until < now),
        )
        if person_id is not None:
            open_ = (NudgeRow.person_id == person_id) & or_(open_, NudgeRow.status == WAITING)
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

    async def _person(
        self,
        person_id: int,
        rows: list[NudgeRow],
        result: DispatchResult,
        *,
        present: bool = False,
        waited: frozenset[int] = frozenset(),
    ) -> None:
        """Deliver one person's claimed ``rows``; ``present``: they have the chat open now, and
        ``waited`` (ids) waited for them to open it."""
        now = self.clock.now()
        async with self.db.read() as session:
            person = await session.get(Person, person_id)
            assert person is not None
            district = await session.get(District, person.district_id)
            assert district is not None
            settings = await session.get(PersonSettings, person_id)
            policy = policy_from_json(district.policy)
            rules = await quiet_rules(session, person)
            today = now.astimezone(ZoneInfo(rules.timezone)).date()
            fresh = [
                r
                for r in rows
                if not await is_stale(
                    session, NudgeKind(r.kind), r.subject, person_id, now, self.thresholds, today
                )
            ]
            week_start = self._week_start(now, rules.timezone)
            sent_this_week = (
                await session.scalar(
                    select(func.count(func.distinct(NudgeRow.platform_message_id)))
                    .select_from(NudgeRow)
                    .where(
                        NudgeRow.person_id == person_id,
                        NudgeRow.status == "sent",
                        NudgeRow.sent_at >= week_start,
                        NudgeRow.kind.in_([k.value for k in TEACHER_REMINDERS]),
                    )
                )
                or 0
            )
        for row in rows:
            if row not in fresh:
                await self._finish(row, "dropped", reason="stale")
                result.dropped["stale"] += 1
        if rules.is_quiet(now):
            opening = rules.next_allowed(now)
            for row in [r for r in fresh if r.id not in waited]:
                await self._finish(row, "pending", deliver_at=opening)
                result.deferred += 1
            fresh = [r for r in fresh if r.id in waited]
            if not fresh:
                return
        choices = PersonChoices(
            settings.muted if settings else False, settings.snoozed_until if settings else None
        )
        verdict = choose(
            [Candidate(NudgeKind(r.kind), f"{r.subject}#{r.id}") for r in fresh],
            sent_this_week=sent_this_week,
            cap=policy.nudge_cap_per_week,
            choices=choices,
            now=now,
        )
        lookup = {f"{r.subject}#{r.id}": r for r in fresh}
        for candidate, reason in verdict.dropped:
            row = lookup[candidate.subject]
            if reason == "snoozed" and choices.snoozed_until is not None:
                await self._finish(
                    row, "pending", deliver_at=rules.next_allowed(choices.snoozed_until)
                )
                result.deferred += 1
            else:
                await self._finish(row, "dropped", reason=reason)
                result.dropped[reason] += 1
        # A teacher's reminders due at once go as one message (and count once against the cap).
        together = [lookup[c.subject] for c in verdict.send if c.kind in TEACHER_REMINDERS]
        units = [together] if together else []
        # Most important first: what others follow goes first.
        units += [[lookup[c.subject]] for c in verdict.send if c.kind not in TEACHER_REMINDERS]
        if present:  # the person reads them now, one after another: in the order they came
            units.sort(key=lambda unit: min(r.id for r in unit))
        for unit in units:
            row = unit[0]
            held = await self._held_until(row) if NudgeKind(row.kind) in FOLLOWS else None
            if held is not None:
                await self._finish(row, "pending", deliver_at=held)
                result.deferred += 1
                continue
            await self._deliver(row, result, unit[1:], rules.timezone)

    async def _held_until(self, row: NudgeRow) -> datetime | None:
        """When a row that follows another (the channel's announcement follows the earner's
        own news) may next try, or None when what it follows was sent or read."""
        now = self.clock.now()
        async with self.db.read() as session:
            ahead = (
                await session.execute(
                    select(NudgeRow.status, NudgeRow.deliver_at).where(
                        NudgeRow.key == str(row.params.get("after", ""))
                    )
                )
            ).first()
        if ahead is None or ahead.status in ("sent", "read", "dropped"):
            return None
        if ahead.status == "pending":
            return max(ahead.deliver_at, now) + timedelta(seconds=1)
        if ahead.status == "claimed":  # in another dispatcher's hands right now
            return now + timedelta(seconds=15)
        # Dead (waits for an admin to send it again) or waiting for its person to open the chat.
        return now + timedelta(hours=1)

    async def _deliver(
        self,
        row: NudgeRow,
        result: DispatchResult,
        also: list[NudgeRow] | None = None,
        timezone: str = "UTC",
    ) -> None:
        """Send ``row``, with the ``also`` rows in the same message: they are marked sent with
        it, or, if it does not go, wait to be claimed again."""
        params = dict(row.params)
        if also:
            params["also"] = [[r.kind, dict(r.params)] for r in also]
        kind = NudgeKind(row.kind)
        outgoing = Outgoing(row.id, row.key, row.person_id, kind, row.subject, params, timezone)
        try:
            message_id = await self.send(outgoing)
        except WaitsForChat:  # not a failure: no attempt counted, no timer, no dead letter
            for waiting in [*(also or []), row]:
                await self._finish(waiting, WAITING, reason=UNTIL_CHAT)
            result.waiting += 1 + len(also or [])
            return
        except (RateLimited, DeliveryFailed) as error:
            for other in also or []:
                await self._finish(other, "pending", deliver_at=self.clock.now())
            await self._deliver_failed(row, result, error)
            return
        for other in also or []:
            await self._finish(other, "sent", message_id=message_id)
        result.sent += len(also or [])
        await self._finish(row, "sent", message_id=message_id)
        result.sent += 1

    async def _deliver_failed(
        self, row: NudgeRow, result: DispatchResult, failed: RateLimited | DeliveryFailed
    ) -> None:
        if isinstance(failed, RateLimited):
            # The platform's own pace: not a failure, so attempts do not grow.
            await self._finish(
                row, "pending", deliver_at=self.clock.now() + timedelta(seconds=failed.retry_after)
            )
            result.deferred += 1
            return
        attempts = row.attempts + 1
        if failed.permanent or attempts >= self.max_attempts:
            await self._finish(row, "dead", error=str(failed), attempts=attempts)
            result.dead += 1
            return
        backoff = self.rng.uniform(0, min(3600.0, 30.0 * 2**attempts))  # full jitter
        await self._finish(
            row,
            "pending",
            error=str(failed),
            attempts=attempts,
            deliver_at=self.clock.now() + timedelta(seconds=backoff),
        )
        result.retried += 1

    async def _finish(
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

    @staticmethod
    def _week_start(now: datetime, timezone: str) -> datetime:
        local = now.astimezone(ZoneInfo(timezone))
        monday = local.date() - timedelta(days=local.weekday())
        return datetime.combine(monday, datetime.min.time(), ZoneInfo(timezone))
