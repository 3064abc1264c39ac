"""Calibration for district admins: agreement figures over the recent double-scored reviews,
and anchor exercises that show which reviewers drift from agreed scores."""

from __future__ import annotations

from coachbot.conversation.authorization import Relation, Subject, command_number, on
from coachbot.conversation.handlers.common import first_word
from coachbot.conversation.handlers.reviews import OPEN_REVIEW
from coachbot.conversation.refs import ReviewRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.errors import InvalidInput
from coachbot.domain.roles import Role


def register(r: Registry) -> None:
    r.command(
        "calibration",
        Role.DISTRICT_ADMIN,
        Role.FACILITATOR,
        rule=on(Subject.REVIEW, Relation.DISTRICT_ADMIN, ref=anchor_number),
        aliases=("calibrate", "agreement"),
    )(calibration)


def anchor_number(args: str) -> int | None:
    """``calibration anchor 12`` names a review (an admin's to choose); anything else, none."""
    word, rest = first_word(args)
    if word.lower() != "anchor":
        return None
    return command_number("review", "anchor_number", "calibration")(rest)


async def calibration(turn: Turn, args: str) -> None:
    if not turn.me.actor.has_role(Role.DISTRICT_ADMIN):  # a reviewer: their anchors to score
        open_ = await turn.use.calibration.open_exercises(turn.me.actor)
        buttons = [
            turn.say.button("open_review", OPEN_REVIEW, ReviewRef(review_id))
            for review_id, _ in open_
        ]
        await turn.reply(
            turn.say.reply("calibration.j2", "exercises", entries=open_, buttons=buttons[:5])
        )
        return
    word, _ = first_word(args)
    if word.lower() == "anchor":
        number = anchor_number(args)
        if number is None:
            raise InvalidInput(field="review", hint="anchor_number")
        anchor, asked = await turn.use.calibration.start_exercise(turn.me.actor, number)
        turn.queued_news()  # each facilitator's request is in the outbox: send it now
        await turn.answer("calibration.j2", "anchor_started", anchor=anchor, asked=len(asked))
        return
    report = await turn.use.calibration.report(turn.me.actor)
    await turn.answer("calibration.j2", "report", r=report)
