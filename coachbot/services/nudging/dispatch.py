"""The dispatcher: claim ready outbox rows, apply the humane rules, deliver, record.

This module is the pass itself and the send; its parts each live where they can be read alone:
the claims and their leases (``claims``), which rows go now and in what units
(``humane_rules``), what to do when the platform does not take one (``retrying``), and the
types a platform speaks (``outgoing``). The send happens outside any transaction; the one
window no platform lets us close (the send succeeded, the record did not commit) can repeat a
message once.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from datetime import timedelta

from coachbot.clock import Clock
from coachbot.domain.nudges import FOLLOWS, NudgeKind
from coachbot.services.nudging.claims import OutboxClaims
from coachbot.services.nudging.due import Thresholds
from coachbot.services.nudging.humane_rules import HumaneRules
from coachbot.services.nudging.outgoing import (
    Deliver,
    DeliveryFailed,
    DispatchResult,
    Outgoing,
    RateLimited,
    WaitsForChat,
)
from coachbot.services.nudging.retrying import RetryPolicy
from coachbot.services.record.outbox import UNTIL_CHAT, WAITING
from coachbot.storage.database import Database
from coachbot.storage.models import NudgeRow


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
        self.claims = OutboxClaims(
            db, clock, worker=worker, lease=lease, platform=platform, unlinked=unlinked
        )
        self.rules = HumaneRules(db, clock, self.claims, thresholds or Thresholds())
        self.retries = RetryPolicy(clock, max_attempts=max_attempts, rng=rng or random.Random())
        # People are served side by side: one person's checks (quiet hours, staleness) and the
        # platform's round trip would otherwise hold up everyone behind them, and the platform's
        # allowed rate goes unused. One person's own messages still go one after another.
        self.concurrency = max(1, concurrency)

    async def deliver_waiting(self, person_id: int, limit: int = 100) -> DispatchResult:
        """The person just opened the chat: what waits for them there (and anything else of
        theirs ready to go) is delivered now, oldest first. What waited had met their quiet
        hours when it was sent and would have reached them then: their night does not hold it
        back again. News whose time has come but was held for their quiet hours or a school
        break goes now too: quiet hours are there not to disturb them, not to hide news from
        someone who is here reading (a reminder planned for a later day is not due, and stays).
        Staleness, mute, snooze and the weekly cap apply to all of it."""
        result = DispatchResult()
        waited = await self.claims.waiting_for(person_id)
        rows = await self.claims.claim(limit, person_id=person_id)
        if rows:
            await self._person(person_id, rows, result, present=True, waited=waited)
        return result

    async def run_once(self, limit: int = 100) -> DispatchResult:
        result = DispatchResult()
        claimed = await self.claims.claim(limit)
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
        to_send = await self.rules.sort(person_id, rows, result, present=present, waited=waited)
        for unit in to_send.units:
            row = unit[0]
            held = await self.rules.held_until(row) if NudgeKind(row.kind) in FOLLOWS else None
            if held is not None:
                await self.claims.finish(row, "pending", deliver_at=held)
                result.deferred += 1
                continue
            await self._deliver(row, result, unit[1:], to_send.timezone)

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
                await self.claims.finish(waiting, WAITING, reason=UNTIL_CHAT)
            result.waiting += 1 + len(also or [])
            return
        except (RateLimited, DeliveryFailed) as error:
            for other in also or []:
                await self.claims.finish(other, "pending", deliver_at=self.clock.now())
            await self.retries.settle(self.claims, row, result, error)
            return
        for other in also or []:
            await self.claims.finish(other, "sent", message_id=message_id)
        result.sent += len(also or [])
        await self.claims.finish(row, "sent", message_id=message_id)
        result.sent += 1
