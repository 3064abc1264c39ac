"""After the meeting that follows the last "not yet": a facilitator allows another try."""

from __future__ import annotations

from coachbot.conversation.handlers.common import first_word
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.errors import InvalidInput


def register(r: Registry) -> None:
    r.action("extra_try")(allow_extra_try)


async def allow_extra_try(turn: Turn, value: str) -> None:
    number, _ = first_word(value)
    if not number.isdigit():
        raise InvalidInput(field="button", hint="stale_value", value=value[:20])
    allowed = await turn.bot.extra_tries.allow(
        turn.me.actor, int(number), idempotency_key=turn.key()
    )
    ref = await turn.bot.views.pursuit(allowed.pursuit_id)
    if allowed.replayed:
        await turn.answer("tries.j2", "already_allowed", teacher=ref.teacher, title=ref.title)
        return
    await turn.notify.to_person(
        allowed.teacher_id,
        turn.say.reply(
            "tries.j2", "teacher_allowed", by=turn.me.name, title=ref.title,
            try_number=allowed.used + 1,
            buttons=[turn.say.button("next_step_status", "status")],
        ),
    )  # fmt: skip
    await turn.answer("tries.j2", "allowed", teacher=ref.teacher, title=ref.title,
                      try_number=allowed.used + 1)
