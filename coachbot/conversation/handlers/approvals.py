"""Pre-approval in chat: a teacher asks (saying how the credential serves the school's goals,
and how they will complete it), approvers see each request with those reasons and approve or
send it back with a note, right from the list or from the notice, and the teacher hears either
way.

Every message a step causes (each approver's notice, the teacher's answer) is written to the
outbox by the use case in the step's own transaction; a handler parses, asks for a dispatch pass
(``turn.queued_news``) and renders its own reply.
"""

from __future__ import annotations

from coachbot.conversation.authorization import (
    OWN,
    Relation,
    Subject,
    command_number,
    on,
    pursuit_value,
)
from coachbot.conversation.handlers.common import first_word
from coachbot.conversation.refs import PursuitRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import (
    Action,
    Block,
    Button,
    Buttons,
    FieldKind,
    Form,
    FormField,
)
from coachbot.domain.errors import InvalidInput, MoveNotAllowed
from coachbot.domain.journey import Move
from coachbot.domain.roles import Role
from coachbot.services.journey import Decided
from coachbot.services.reading import ApprovalRequest

ADMINS = (Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)
REQUEST_APPROVAL = Action("request_approval")
APPROVE = Action("approve")
SEND_BACK = Action("send_back")
# The teacher asks about their own pursuit; an approver of that very request decides it.
MY_PURSUIT = on(
    Subject.PURSUIT,
    Relation.OWNER,
    ref=pursuit_value,
    roles=(Role.TEACHER,),
    move="request_approval",
)
DECIDE = on(Subject.PURSUIT, Relation.APPROVER, ref=pursuit_value, move="approve")
DECIDE_TYPED = DECIDE.with_ref(command_number("request", "request_number", "approve"))
SHOWN = 10  # requests shown at once, each with its reasons and buttons
REASONS_SHOWN = 1200  # characters of reasons or plan in the list (the notice shows them whole)


def register(r: Registry) -> None:
    r.action(REQUEST_APPROVAL, rule=MY_PURSUIT)(request_approval)
    r.form("approval_request", rule=MY_PURSUIT)(approval_request_submitted)
    r.command("approvals", *ADMINS, rule=OWN, aliases=("requests",))(approvals)
    r.action(APPROVE, rule=DECIDE)(approve)
    r.command("approve", *ADMINS, rule=DECIDE_TYPED, missing=not_waiting)(approve_command)
    r.action(SEND_BACK, rule=DECIDE)(send_back)
    r.form("send_back", rule=DECIDE)(send_back_submitted)


async def request_approval(turn: Turn, value: str) -> None:
    """Kettle Moraine asks how the credential serves the school's goals, and the plan. Asked
    again after a send-back, the form starts from what the teacher wrote last time."""
    pursuit = PursuitRef.parse(value)
    summary = await turn.read.pursuit(pursuit.pursuit_id)
    last = await turn.read.approval_request(pursuit.pursuit_id)
    await turn.open_form(
        Form(
            "approval_request",
            turn.say.label("form_approval", title=summary.title),
            (
                FormField(
                    "alignment",
                    turn.say.label("field_alignment"),
                    FieldKind.LONG_TEXT,
                    initial=last.reasons if last else "",
                    hint=turn.say.label("hint_alignment"),
                ),
                FormField(
                    "plan",
                    turn.say.label("field_completion_plan"),
                    FieldKind.LONG_TEXT,
                    required=False,
                    initial=last.plan if last else "",
                ),
            ),
            turn.say.label("send_request"),
            context=str(pursuit),
        )
    )


async def approval_request_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    pursuit = PursuitRef.parse(context)
    asked = await turn.use.approvals.request(
        turn.me.actor,
        pursuit.pursuit_id,
        reasons=values.get("alignment", ""),
        plan=values.get("plan", ""),
        expected_version=pursuit.version,
        idempotency_key=turn.key(),
    )
    turn.queued_news()  # each approver's notice is in the outbox: send it now
    summary = await turn.read.pursuit(pursuit.pursuit_id)
    await turn.answer(
        "pursuit.j2", "approval_requested", title=summary.title, approvers=asked.approvers
    )


async def approvals(turn: Turn, args: str) -> None:
    """The requests this person may decide, each with the teacher's reasons and plan and its
    own approve and send-back buttons."""
    waiting = await turn.read.approvals(turn.me.actor)
    blocks: list[Block] = []
    for request in waiting[:SHOWN]:
        blocks.append(
            turn.say.text(
                "approvals.j2",
                "card",
                number=request.pursuit_id,  # what "approve N" takes
                teacher=request.teacher,
                title=request.title,
                reasons=request.reasons,
                plan=request.plan,
                asked_at=request.asked_at,
                earlier=request.earlier,
                tz=turn.me.timezone,
                limit=REASONS_SHOWN,
            )
        )
        blocks.append(Buttons(tuple(_decide_buttons(turn, request))))
    if len(waiting) > SHOWN:
        blocks.append(turn.say.text("approvals.j2", "more", count=len(waiting) - SHOWN))
    if waiting:  # what saying yes may cost: the year's budget left, and a forecast
        budget = await turn.use.ledger.budget(turn.me.district_id)
        blocks.append(turn.say.text("ledger.j2", "approver_budget", b=budget))
    first = waiting[0].pursuit_id if waiting else 0
    await turn.reply(
        turn.say.reply("approvals.j2", "list", waiting=len(waiting), first=first, extra=blocks)
    )


def _decide_buttons(turn: Turn, request: ApprovalRequest) -> list[Button]:
    seen = PursuitRef(request.pursuit_id, request.version)
    return [
        turn.say.button("approve_for", APPROVE, seen, primary=True, teacher=request.teacher),
        turn.say.button("send_back_for", SEND_BACK, seen, teacher=request.teacher),
    ]


async def approve_command(turn: Turn, args: str) -> None:
    number, _ = first_word(args)
    if not number.isdigit():
        raise InvalidInput(field="request", hint="request_number", command="approve")
    try:
        await approve(turn, number)
    except MoveNotAllowed:
        # A number that is no request (a review's, a teacher's credential at another step):
        # said in an approver's words, with the numbers that are waiting, never the
        # teacher's "you can't approve from here".
        await not_waiting(turn, int(number))


async def not_waiting(turn: Turn, number: int) -> None:
    """No request by that number is waiting for this approver: say which ones are."""
    waiting = await turn.read.approvals(turn.me.actor)
    await turn.answer(
        "approvals.j2", "not_waiting", number=number,
        waiting=[(r.pursuit_id, r.teacher, r.title) for r in waiting[:SHOWN]],
    )  # fmt: skip


async def approve(turn: Turn, value: str) -> None:
    pursuit = PursuitRef.parse(value)
    decided = await turn.use.approvals.approve(
        turn.me.actor,
        pursuit.pursuit_id,
        expected_version=pursuit.version,
        idempotency_key=turn.key(),
    )
    await _decided(turn, decided)


async def send_back(turn: Turn, value: str) -> None:
    """Ask for the note the teacher will read; a request already decided is said so at once,
    before anyone writes a note for nothing."""
    pursuit = PursuitRef.parse(value)
    await turn.use.approvals.check_waiting(turn.me.actor, pursuit.pursuit_id, pursuit.version)
    teacher = (await turn.read.pursuit(pursuit.pursuit_id)).teacher
    await turn.open_form(
        Form(
            "send_back",
            turn.say.label("form_send_back"),
            (
                FormField(
                    "reason",
                    turn.say.label("field_reason"),
                    FieldKind.LONG_TEXT,
                    hint=turn.say.label("hint_send_back", teacher=teacher),
                ),
            ),
            turn.say.label("send_back"),
            context=str(pursuit),
        )
    )


async def send_back_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    pursuit = PursuitRef.parse(context)
    decided = await turn.use.approvals.send_back(
        turn.me.actor,
        pursuit.pursuit_id,
        values.get("reason", ""),
        expected_version=pursuit.version,
        idempotency_key=turn.key(),
    )
    await _decided(turn, decided)


async def _decided(turn: Turn, decided: Decided) -> None:
    """The approver's own answer; the teacher's message is in the outbox and goes out now."""
    if decided.decision == "vote":  # a committee member's yes, short of the quorum
        await turn.answer("approvals.j2", "vote_recorded", teacher=decided.teacher,
                          title=decided.title, yes=decided.yes, quorum=decided.quorum)  # fmt: skip
        return
    turn.queued_news()
    message = "approved" if decided.decision == Move.APPROVE.value else "sent_back"
    await turn.answer("approvals.j2", message, teacher=decided.teacher, title=decided.title)
