"""Facilitators in chat: the review queue, evidence beside the rubric, feedback, decisions,
and handing a review to a colleague."""

from __future__ import annotations

from coachbot.conversation.authorization import (
    OWN,
    Relation,
    Subject,
    command_number,
    on,
    review_value,
)
from coachbot.conversation.handlers.common import first_word
from coachbot.conversation.refs import ReviewRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action, Button, FieldKind, Form, FormField, Option
from coachbot.domain.errors import InvalidInput
from coachbot.domain.reviews import DECIDING, ReviewPurpose, WaitingOn
from coachbot.domain.roles import Role
from coachbot.services.evidence import EvidenceView
from coachbot.services.reviews import Decision

SCORED = "score:"  # the prefix of a rubric criterion's field in the review form
QUEUE = Action("queue")
OPEN_REVIEW = Action("open_review")
SCORE = Action("score")
HAND_OFF = Action("hand_off")
# Looking: a reviewer of that evidence, the teacher whose it is, a district admin; never while
# one's own blind review of it (an anchor, one of a double-scored pair) waits for scores.
LOOK = on(
    Subject.REVIEW,
    Relation.HOLDER,
    Relation.OWNER,
    Relation.DISTRICT_ADMIN,
    ref=review_value,
    move="view_evidence",
)
# Scoring and handing off: only the reviewer holding that open review.
SCORER = on(Subject.REVIEW, Relation.REVIEWER, ref=review_value, move="review")


def register(r: Registry) -> None:
    # Not only facilitators review: committee members, school admins and peers may be given
    # reviews, so anyone can see their own queue (which only ever holds their own reviews).
    r.command("queue", rule=OWN, aliases=("reviews",))(queue)
    r.action(QUEUE, rule=OWN)(queue)
    r.command(
        "review", rule=LOOK.with_ref(command_number("review", "review_number", "review")),
        aliases=("open",),
    )(open_review_command)
    r.action(OPEN_REVIEW, rule=LOOK)(open_review)
    r.action(SCORE, rule=SCORER)(score)
    r.form("review", rule=SCORER)(review_submitted)
    r.command(
        "handoff", rule=SCORER.with_ref(command_number("review", "review_number", "handoff"))
    )(handoff_command)
    r.action(HAND_OFF, rule=SCORER)(hand_off)
    r.form("hand_off", rule=SCORER)(hand_off_submitted)


async def queue(turn: Turn, args: str) -> None:
    items = await turn.read.queue(turn.me.person_id)
    if not items and not (turn.me.is_(Role.FACILITATOR) or turn.me.is_admin):
        await turn.answer("reviews.j2", "queue_not_a_reviewer")
        return
    buttons = [
        turn.say.button(
            "open_review_of", OPEN_REVIEW, ReviewRef(item.review_id), teacher=item.teacher
        )
        for item in items[:5]
    ]
    await turn.reply(
        turn.say.reply(
            "reviews.j2", "queue", entries=items, timezone=turn.me.timezone, buttons=buttons
        )
    )


async def open_review_command(turn: Turn, args: str) -> None:
    number, _ = first_word(args)
    if not number.isdigit():
        raise InvalidInput(field="review", hint="review_number", command="review")
    await open_review(turn, number)


async def open_review(turn: Turn, value: str) -> None:
    review_id = ReviewRef.parse(value).review_id
    view = await turn.use.evidence_access.for_review(turn.me.actor, review_id)
    earlier = []
    if view.purpose not in (ReviewPurpose.PEER, ReviewPurpose.EXERCISE, ReviewPurpose.ANCHOR):
        # A resubmission is read beside what was asked for last time (not a colleague's
        # peer comments, and never for an anonymous anchor).
        rounds = await turn.read.earlier_rounds(view.pursuit_id)
        earlier = [(r.attempt, r.decision, r.reviewers, r.changes) for r in rounds
                   if r.decision != ReviewPurpose.PEER.value and r.changes][:2]  # fmt: skip
    await turn.reply(
        turn.say.reply(
            "reviews.j2",
            "evidence",
            v=view,
            earlier=earlier,
            mine=view.reviewer_id == turn.me.person_id,
            tz=turn.me.timezone,
            buttons=_review_buttons(turn, view, review_id),
        )
    )


def _review_buttons(turn: Turn, view: EvidenceView, review_id: int) -> list[Button]:
    """Scoring and handing off are for the reviewer holding an open review; others only look."""
    if view.reviewer_id != turn.me.person_id or not view.open:
        return []
    labels: dict[str, str] = {
        ReviewPurpose.FEEDBACK: "give_feedback",
        ReviewPurpose.PEER: "comment",
    }
    label = labels.get(view.purpose or "", "score")
    buttons = [turn.say.button(label, SCORE, ReviewRef(review_id), primary=True)]
    if view.purpose != ReviewPurpose.EXERCISE:
        buttons.append(turn.say.button("hand_off", HAND_OFF, ReviewRef(review_id)))
    return buttons


async def score(turn: Turn, value: str) -> None:
    review_id = ReviewRef.parse(value).review_id
    view = await turn.use.evidence_access.for_review(turn.me.actor, review_id)
    if view.purpose == ReviewPurpose.PEER:
        await _comment_form(turn, view, review_id)
        return
    fields = [
        FormField(
            SCORED + c.name,
            c.name,
            FieldKind.CHOICE,
            options=tuple(Option(lv.name, lv.name) for lv in c.levels),
            hint=c.description,
        )
        for c in view.rubric.criteria
    ]
    fields.append(
        FormField(
            "strengths", turn.say.label("field_strengths"), FieldKind.LONG_TEXT, required=False
        )
    )
    fields.append(
        FormField(
            "feedback",
            turn.say.label("field_feedback"),
            FieldKind.LONG_TEXT,
            required=view.purpose == ReviewPurpose.FEEDBACK,
            hint=turn.say.label("hint_feedback"),
        )
    )
    if view.purpose in DECIDING:
        fields.append(
            FormField(
                "decision",
                turn.say.label("field_decision"),
                FieldKind.CHOICE,
                options=(
                    turn.say.option("decision_earned", "earned"),
                    turn.say.option("decision_not_yet", "not_yet"),
                ),
            )
        )
    await turn.open_form(
        Form(
            "review",
            turn.say.label("form_review", teacher=view.teacher),
            tuple(fields),
            turn.say.label("send_review"),
            context=str(ReviewRef(review_id)),
        )
    )


async def _comment_form(turn: Turn, view: EvidenceView, review_id: int) -> None:
    """A colleague's view on a draft: their words only. No scores and no decision, which
    are the facilitator's and the official reviewers' to give."""
    fields = (
        FormField(
            "strengths", turn.say.label("field_peer_works"), FieldKind.LONG_TEXT, required=False
        ),
        FormField(
            "feedback",
            turn.say.label("field_peer_comment"),
            FieldKind.LONG_TEXT,
            hint=turn.say.label("hint_peer_comment"),
        ),
    )
    await turn.open_form(
        Form(
            "review",
            turn.say.label("form_peer_comment", teacher=view.teacher),
            fields,
            turn.say.label("send_review"),
            context=str(ReviewRef(review_id)),
        )
    )


async def review_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    review_id = ReviewRef.parse(context).review_id
    scores = {
        name[len(SCORED) :]: level
        for name, level in values.items()
        if name.startswith(SCORED) and level
    }
    raw = values.get("decision", Decision.FEEDBACK)
    try:
        decision = Decision(raw)
    except ValueError:
        raise InvalidInput(field="decision", hint="official_needs_decision") from None
    try:
        outcome = await turn.use.reviews.record(
            turn.me.actor,
            review_id,
            decision,
            scores,
            strengths=values.get("strengths", ""),
            feedback=values.get("feedback", ""),
            idempotency_key=turn.key(),
        )
    except InvalidInput as exc:
        if exc.params.get("hint") == "earned_needs_passing":
            # Asked again, the form offers the scores below passing beside the decision.
            exc.params["also"] = [SCORED + c for c in exc.params.get("criteria", ())]
        raise
    summary = await turn.read.pursuit(outcome.pursuit_id)
    if outcome.replayed:
        await turn.answer("reviews.j2", "already_recorded", teacher=summary.teacher)
        return
    # The teacher's merged message (or a second reviewer's request) was written to the outbox
    # with the decision; it goes out now.
    turn.queued_news()
    if outcome.waiting == WaitingOn.EXERCISE:
        await turn.answer("reviews.j2", "recorded_exercise")
        return
    if outcome.waiting == WaitingOn.PARTNER:
        await turn.answer("reviews.j2", "recorded_blind", teacher=summary.teacher)
        return
    if outcome.waiting == WaitingOn.THIRD:
        third = await turn.read.person_name(outcome.third) if outcome.third else ""
        await turn.answer(
            "reviews.j2", "recorded_disagreement", teacher=summary.teacher, third=third
        )
        return
    # An award's announcement in the district channel was queued with it, behind the
    # earner's own message: the dispatch after this turn sends the two in that order.
    await turn.answer(
        "reviews.j2",
        "recorded",
        teacher=summary.teacher,
        decision=decision.value,
        peer=outcome.purpose == ReviewPurpose.PEER,
    )


async def handoff_command(turn: Turn, args: str) -> None:
    number, reason = first_word(args)
    if not number.isdigit():
        raise InvalidInput(field="review", hint="review_number", command="handoff")
    if not reason.strip():  # typed: say exactly how to give the reason, on the same line
        raise InvalidInput(field="reason", hint="reason_needed", command="handoff", number=number)
    await hand_off_submitted(turn, {"reason": reason}, number)


async def hand_off(turn: Turn, value: str) -> None:
    await turn.open_form(
        Form(
            "hand_off",
            turn.say.label("form_hand_off"),
            (FormField("reason", turn.say.label("field_reason"), FieldKind.LONG_TEXT),),
            turn.say.label("hand_off"),
            context=value,
        )
    )


async def hand_off_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    review_id = ReviewRef.parse(context).review_id
    moved = await turn.use.reviews.hand_off(turn.me.actor, review_id, values.get("reason", ""))
    if moved is None:
        await turn.answer("reviews.j2", "no_colleague")
        return
    _, colleague = moved
    turn.queued_news()  # the colleague's message was written with the hand-off; it goes out now
    await turn.answer("reviews.j2", "handed_off", to=await turn.read.person_name(colleague))
