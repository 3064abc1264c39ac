"""Why a message that is due is still held, and what it is, in words an admin can check.

The outbox keeps a row's kind and its next moment (``deliver_at``), not why that moment is
later than now; ``undelivered`` said "quiet hours, a school break or a snooze" of every held
row, and a trial's admin read that of the channel's award announcement at 10 AM on a school
day, when it was waiting for its earner to hear first. The reason is derived here, from the
same rules the dispatcher applied: what the row follows (``FOLLOWS``), the person's snooze,
their district's school breaks, weekends and quiet hours.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.nudges import FOLLOWS, TEACHER_REMINDERS, NudgeKind
from coachbot.services.nudging.quiet import quiet_rules
from coachbot.services.record.outbox import WAITING
from coachbot.storage.models import NudgeRow, Person, PersonSettings, SchoolBreak

# Why a row is held, for deliveries.j2: its earner hears first (and their own news waits for
# them to open the chat, or could not be delivered, or is itself held), or the person's snooze,
# school break, weekend or quiet hours; "" when none of these holds now (it goes at its moment).
AFTER_CHAT, AFTER_DEAD, AFTER = "after_chat", "after_dead", "after"
SNOOZE, BREAK, WEEKEND, QUIET_HOURS = "snooze", "break", "weekend", "quiet_hours"

# What of a row's params names it for an admin: the credential, the decision, the channel.
ABOUT = ("credential", "decision", "channel")


def about(params: dict[str, Any]) -> dict[str, Any]:
    """The few words of a row's params that say what it is, nothing of what it says."""
    return {key: params[key] for key in ABOUT if params.get(key) not in (None, "")}


async def why_held(
    session: AsyncSession, row: NudgeRow, person: Person, now: datetime
) -> tuple[str, str]:
    """Why ``row`` (due, its moment still ahead) is held now: a reason above, and the school
    break's name when it is a break."""
    kind = NudgeKind(row.kind)
    if kind in FOLLOWS:  # the channel's announcement: its earner hears first
        ahead = await session.scalar(
            select(NudgeRow.status).where(NudgeRow.key == str(row.params.get("after", "")))
        )
        if ahead == WAITING:
            return AFTER_CHAT, ""
        return (AFTER_DEAD if ahead == "dead" else AFTER), ""
    if kind in TEACHER_REMINDERS:
        settings = await session.get(PersonSettings, person.id)
        if settings is not None and settings.snoozed_until and now < settings.snoozed_until:
            return SNOOZE, ""
    rules = await quiet_rules(session, person)
    today = now.astimezone(ZoneInfo(rules.timezone)).date()
    name = await session.scalar(
        select(SchoolBreak.name).where(
            SchoolBreak.district_id == person.district_id,
            SchoolBreak.starts_on <= today,
            SchoolBreak.ends_on >= today,
        )
    )
    if name is not None:
        return BREAK, name
    if rules.quiet_weekends and today.weekday() >= 5:
        return WEEKEND, ""
    if rules.is_quiet(now):
        return QUIET_HOURS, ""
    return "", ""
