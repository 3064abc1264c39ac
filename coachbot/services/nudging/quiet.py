"""When one person may be reached: their quiet rules, read once for the dispatcher and for news
a turn sends to someone else (a review assigned, a request to approve, a call for help)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.nudges import NudgeKind, QuietRules
from coachbot.services.nudging.reach import reached_on_a_platform
from coachbot.services.record import outbox
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import District, Person, SchoolBreak


async def quiet_rules(session: AsyncSession, person: Person) -> QuietRules:
    """The person's zone, their district's quiet hours and weekends, and its school breaks."""
    district = await session.get(District, person.district_id)
    assert district is not None
    policy = policy_from_json(district.policy)
    breaks = tuple(
        (b.starts_on, b.ends_on)
        for b in await session.scalars(
            select(SchoolBreak).where(SchoolBreak.district_id == district.id)
        )
    )
    return QuietRules(
        person.timezone or district.timezone,
        policy.quiet_start,
        policy.quiet_end,
        policy.quiet_weekends,
        breaks,
    )


class NightHold:
    """Quiet hours for everyone, staff included: a message one person's turn sends to another
    in the recipient's quiet hours is held in the outbox for their morning, not sent at 1 a.m."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def hold_if_quiet(self, person_id: int, params: dict[str, Any]) -> bool:
        """Queue ``params`` (the message, as the conversation stored it) for ``person_id``'s
        next allowed moment if it is quiet for them now; False when it may go at once."""
        now = self.clock.now()
        async with self.db.write() as session:
            person = await session.get(Person, person_id)
            if person is None:
                return False
            rules = await quiet_rules(session, person)
            if not rules.is_quiet(now):
                return False
            _keep(session, now, person, params, deliver_at=rules.next_allowed(now))
            return True

    async def keep_until_chat(self, person_id: int, params: dict[str, Any]) -> None:
        """Keep ``params`` for ``person_id`` until they next open the chat: the platform reaches
        them only then (the terminal), and the message must not be lost meanwhile. Someone with
        an account on a chat platform (a terminal beside Slack) gets it there, now."""
        now = self.clock.now()
        async with self.db.write() as session:
            person = await session.get(Person, person_id)
            if person is None:
                return
            if await session.scalar(select(reached_on_a_platform(person.id, person.district_id))):
                # Slack or Discord reaches them: that platform's dispatcher sends it, now.
                _keep(session, now, person, params, deliver_at=now)
                return
            _keep(session, now, person, params, waiting=True)


def _keep(
    session: AsyncSession, now: datetime, person: Person, params: dict[str, Any], **when: Any
) -> None:
    """A message kept in the outbox for ``person``, exactly as it would have been shown: held
    for a moment (``deliver_at``) or until they open the chat (``waiting``)."""
    outbox.queue(
        session,
        now,
        key=f"held:{person.id}:{uuid.uuid4().hex}",
        district_id=person.district_id,
        person_id=person.id,
        kind=NudgeKind.HELD_MESSAGE,
        subject=f"person:{person.id}",
        params=params,
        **when,
    )
