"""Which of one person's claimed nudges go now, which wait, which are dropped, and in what units.

The humane rules in one place, apart from the claiming and the sending: news that is no longer
true is dropped (stale); nothing is sent in the person's quiet hours (deferred to their
morning, except what already waited for them to open the chat); mute, snooze and the weekly
cap are the domain's ``choose``; a teacher's reminders due at once go as one message; and a
nudge that follows another (the channel's announcement after the earner's own news) waits
until what it follows has gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from coachbot.clock import Clock
from coachbot.domain.nudges import TEACHER_REMINDERS, Candidate, NudgeKind, PersonChoices, choose
from coachbot.services.nudging.claims import OutboxClaims
from coachbot.services.nudging.due import Thresholds
from coachbot.services.nudging.outgoing import DispatchResult
from coachbot.services.nudging.quiet import quiet_rules
from coachbot.services.nudging.stale import is_stale
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import District, NudgeRow, Person, PersonSettings


@dataclass(frozen=True)
class ToSend:
    """What of one person's rows may go now: each unit is one message (its first row leads,
    the rest ride along), in the order to send them, read in the person's ``timezone``."""

    units: list[list[NudgeRow]]
    timezone: str


class HumaneRules:
    def __init__(
        self, db: Database, clock: Clock, claims: OutboxClaims, thresholds: Thresholds
    ) -> None:
        self.db, self.clock, self.claims, self.thresholds = db, clock, claims, thresholds

    async def sort(
        self,
        person_id: int,
        rows: list[NudgeRow],
        result: DispatchResult,
        *,
        present: bool = False,
        waited: frozenset[int] = frozenset(),
    ) -> ToSend:
        """Finish the rows of ``person_id`` that do not go now (dropped or deferred) and return
        the rest in units; ``present``: they have the chat open now, and ``waited`` (ids)
        waited for them to open it."""
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
            week_start = week_start_of(now, rules.timezone)
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
                await self.claims.finish(row, "dropped", reason="stale")
                result.dropped["stale"] += 1
        if rules.is_quiet(now):
            opening = rules.next_allowed(now)
            for row in [r for r in fresh if r.id not in waited]:
                await self.claims.finish(row, "pending", deliver_at=opening)
                result.deferred += 1
            fresh = [r for r in fresh if r.id in waited]
            if not fresh:
                return ToSend([], rules.timezone)
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
                await self.claims.finish(
                    row, "pending", deliver_at=rules.next_allowed(choices.snoozed_until)
                )
                result.deferred += 1
            else:
                await self.claims.finish(row, "dropped", reason=reason)
                result.dropped[reason] += 1
        # A teacher's reminders due at once go as one message (and count once against the cap).
        together = [lookup[c.subject] for c in verdict.send if c.kind in TEACHER_REMINDERS]
        units = [together] if together else []
        # Most important first: what others follow goes first.
        units += [[lookup[c.subject]] for c in verdict.send if c.kind not in TEACHER_REMINDERS]
        if present:  # the person reads them now, one after another: in the order they came
            units.sort(key=lambda unit: min(r.id for r in unit))
        return ToSend(units, rules.timezone)

    async def held_until(self, row: NudgeRow) -> datetime | None:
        """When a row that follows another (the channel's announcement follows the earner's
        own news) may next try, or None when what it follows was sent or read.

        Asked just before each unit is sent, not in ``sort``: what it follows may have gone
        a moment ago, in this very pass."""
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


def week_start_of(now: datetime, timezone: str) -> datetime:
    """Monday 00:00 of ``now``'s week in ``timezone``: where the weekly cap counts from."""
    local = now.astimezone(ZoneInfo(timezone))
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, datetime.min.time(), ZoneInfo(timezone))
