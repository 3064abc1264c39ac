"""After the meeting that follows the last "not yet": a facilitator allows another try."""

from __future__ import annotations

from coachbot.conversation.authorization import Relation, Subject, on, pursuit_value
from coachbot.conversation.handlers.journey import STATUS
from coachbot.conversation.refs import PursuitRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action
from coachbot.domain.roles import Role

EXTRA_TRY = Action("extra_try")


def register(r: Registry) -> None:
    r.action(
        EXTRA_TRY,
        # The cohort's facilitators, and the district's admins (the only ones without a cohort).
        rule=on(
            Subject.PURSUIT,
            Relation.COHORT_FACILITATOR,
            Relation.DISTRICT_ADMIN,
            ref=pursuit_value,
            roles=(Role.FACILITATOR, Role.DISTRICT_ADMIN),
            move="extra_try",
        ),
    )(allow_extra_try)


async def allow_extra_try(turn: Turn, value: str) -> None:
    pursuit = PursuitRef.parse(value)
    allowed = await turn.use.extra_tries.allow(
        turn.me.actor, pursuit.pursuit_id, idempotency_key=turn.key()
    )
    summary = await turn.read.pursuit(allowed.pursuit_id)
    if allowed.replayed:
        await turn.answer(
            "tries.j2", "already_allowed", teacher=summary.teacher, title=summary.title
        )
        return
    await turn.notify.to_person(
        allowed.teacher_id,
        turn.say.reply(
            "tries.j2", "teacher_allowed", by=turn.me.name, title=summary.title,
            try_number=allowed.used + 1,
            buttons=[turn.say.button("next_step_status", STATUS)],
        ),
    )  # fmt: skip
    await turn.answer("tries.j2", "allowed", teacher=summary.teacher, title=summary.title,
                      try_number=allowed.used + 1)  # fmt: skip
