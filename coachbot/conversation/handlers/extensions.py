"""More time, typed by an admin: ``extend EMAIL [CODE] until DATE because REASON`` for one
teacher (district admins), ``extend cohort NAME until DATE because REASON`` for a cohort (its
school's admins too). The reason is required: it is what the record shows HR and the teacher."""

from __future__ import annotations

import re

from coachbot.conversation.authorization import OWN
from coachbot.conversation.dates import parse_day
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.errors import InvalidInput
from coachbot.domain.roles import Role

BECAUSE = re.compile(r"\s+because\b:?\s*", re.IGNORECASE)
UNTIL = re.compile(r"\s+(?:until|till|to)\s+", re.IGNORECASE)


def register(r: Registry) -> None:
    # Who may extend what is the service's to say: a teacher's time is the district admins',
    # a cohort's also its school's admins'. Both name their object by words, not a number.
    r.command("extend", Role.DISTRICT_ADMIN, Role.SCHOOL_ADMIN, rule=OWN)(extend)


async def extend(turn: Turn, args: str) -> None:
    pieces = BECAUSE.split(args.strip(), maxsplit=1)
    target, when = _target_and_day(pieces[0])
    reason = pieces[1].strip() if len(pieces) == 2 else ""
    if not reason:
        raise InvalidInput(field="reason", hint="extension_reason")
    until = parse_day(when, turn.me.timezone, turn.clock.now())
    if until is None:
        raise InvalidInput(field="until", hint="extension_date", value=when)
    words = target.split()
    key = turn.key()
    if words[0].lower() == "cohort" and len(words) > 1:
        done = await turn.use.extensions.for_cohort(
            turn.me.actor, " ".join(words[1:]), until, reason, idempotency_key=key
        )
        await turn.answer(
            "extensions.j2", "cohort_extended", name=done.name, until=done.until,
            previous=done.previous, told=done.teachers_told, replayed=done.replayed,
        )  # fmt: skip
        if not done.replayed:
            turn.queued_news()  # the teachers' messages were written with the change
        return
    if "@" not in words[0] or len(words) > 2:
        raise InvalidInput(field="extend", hint="extension_usage")
    code = words[1] if len(words) == 2 else None
    done = await turn.use.extensions.for_teacher(
        turn.me.actor, words[0], code, until, reason, idempotency_key=key
    )
    await turn.answer(
        "extensions.j2", "teacher_extended", name=done.name, title=done.title, until=done.until,
        previous=done.previous, shifted=done.shifted_days, replayed=done.replayed,
    )  # fmt: skip
    if not done.replayed:
        turn.queued_news()


def _target_and_day(head: str) -> tuple[str, str]:
    """``ana@x.org C-ONE until June 30`` -> (``ana@x.org C-ONE``, ``June 30``)."""
    parts = UNTIL.split(head.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise InvalidInput(field="extend", hint="extension_usage")
    return parts[0].strip(), parts[1].strip()
