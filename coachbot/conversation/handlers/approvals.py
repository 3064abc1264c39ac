"""Pre-approval in chat: a teacher asks (saying how the credential serves the school's goals),
approvers approve or send it back with a reason, and the teacher hears either way."""

from __future__ import annotations

from coachbot.conversation.handlers.common import as_seen, first_word
from coachbot.conversation.handlers.planning import PLAN_FOR
from coachbot.conversation.refs import PursuitRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action, FieldKind, Form, FormField
from coachbot.domain.errors import InvalidInput
from coachbot.domain.journey import Move
from coachbot.domain.roles import Role

ADMINS = (Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)
REQUEST_APPROVAL = Action("request_approval")
APPROVE = Action("approve")
SEND_BACK = Action("send_back")


def register(r: Registry) -> None:
    r.action(REQUEST_APPROVAL)(request_approval)
    r.form("approval_request")(approval_request_submitted)
    r.command("approvals", *ADMINS, aliases=("requests",))(approvals)
    r.action(APPROVE)(approve)
    r.command("approve", *ADMINS)(approve_command)
    r.action(SEND_BACK)(send_back)
    r.form("send_back")(send_back_submitted)


async def request_approval(turn: Turn, value: str) -> None:
    """Kettle Moraine asks how the credential serves the school's goals, and the plan."""
    pursuit = PursuitRef.parse(value)
    summary = await turn.read.pursuit(pursuit.pursuit_id)
    await turn.open_form(
        Form(
            "approval_request",
            turn.say.label("form_approval", title=summary.title),
            (
                FormField(
                    "alignment",
                    turn.say.label("field_alignment"),
                    FieldKind.LONG_TEXT,
                    hint=turn.say.label("hint_alignment"),
                ),
                FormField(
                    "plan",
                    turn.say.label("field_completion_plan"),
                    FieldKind.LONG_TEXT,
                    required=False,
                ),
            ),
            turn.say.label("send_request"),
            context=str(pursuit),
        )
    )


async def approval_request_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    pursuit = PursuitRef.parse(context)
    alignment = values.get("alignment", "").strip()
    if not alignment:
        raise InvalidInput(field="alignment", hint="alignment_needed")
    reason = alignment + (f"\n\n{values['plan'].strip()}" if values.get("plan", "").strip() else "")
    await turn.use.journey.move(
        turn.me.actor,
        pursuit.pursuit_id,
        Move.REQUEST_APPROVAL,
        reason=reason,
        expected_version=pursuit.version,
        idempotency_key=turn.key(),
    )
    summary = await turn.read.pursuit(pursuit.pursuit_id)
    approvers = await turn.read.approvers_for(pursuit.pursuit_id)
    request = turn.say.reply(
        "approvals.j2",
        "request",
        teacher=turn.me.name,
        title=summary.title,
        reason=reason,
        buttons=[
            turn.say.button("approve", APPROVE, as_seen(summary), primary=True),
            turn.say.button("send_back", SEND_BACK, as_seen(summary)),
        ],
    )
    for person_id in approvers:
        await turn.notify.to_person(person_id, request)
    await turn.answer(
        "pursuit.j2", "approval_requested", title=summary.title, approvers=len(approvers)
    )


async def approvals(turn: Turn, args: str) -> None:
    waiting = await turn.read.approvals(turn.me.actor)
    buttons = []
    for summary in waiting[:5]:
        buttons.append(
            turn.say.button("approve_for", APPROVE, as_seen(summary), teacher=summary.teacher)
        )
    await turn.reply(turn.say.reply("approvals.j2", "list", waiting=waiting, buttons=buttons))


async def approve_command(turn: Turn, args: str) -> None:
    number, _ = first_word(args)
    if not number.isdigit():
        raise InvalidInput(field="request", hint="request_number", command="approve")
    await approve(turn, number)


async def approve(turn: Turn, value: str) -> None:
    pursuit = PursuitRef.parse(value)
    await turn.use.journey.move(
        turn.me.actor,
        pursuit.pursuit_id,
        Move.APPROVE,
        expected_version=pursuit.version,
        idempotency_key=turn.key(),
    )
    summary = await turn.read.pursuit(pursuit.pursuit_id)
    await turn.notify.to_person(
        await turn.read.teacher_of(pursuit.pursuit_id),
        turn.say.reply(
            "approvals.j2",
            "approved_for_teacher",
            title=summary.title,
            approver=turn.me.name,
            buttons=[
                turn.say.button("make_plan", PLAN_FOR, PursuitRef(pursuit.pursuit_id), primary=True)
            ],
        ),
    )
    await turn.answer("approvals.j2", "approved", teacher=summary.teacher, title=summary.title)


async def send_back(turn: Turn, value: str) -> None:
    await turn.open_form(
        Form(
            "send_back",
            turn.say.label("form_send_back"),
            (
                FormField(
                    "reason",
                    turn.say.label("field_reason"),
                    FieldKind.LONG_TEXT,
                    hint=turn.say.label("hint_send_back"),
                ),
            ),
            turn.say.label("send_back"),
            context=value,
        )
    )


async def send_back_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    pursuit = PursuitRef.parse(context)
    reason = values.get("reason", "").strip()
    await turn.use.journey.move(
        turn.me.actor,
        pursuit.pursuit_id,
        Move.SEND_BACK,
        reason=reason,
        expected_version=pursuit.version,
        idempotency_key=turn.key(),
    )
    summary = await turn.read.pursuit(pursuit.pursuit_id)
    await turn.notify.to_person(
        await turn.read.teacher_of(pursuit.pursuit_id),
        turn.say.reply(
            "approvals.j2",
            "sent_back_for_teacher",
            title=summary.title,
            approver=turn.me.name,
            reason=reason,
            buttons=[
                turn.say.button("ask_again", REQUEST_APPROVAL, as_seen(summary), primary=True)
            ],
        ),
    )
    await turn.answer("approvals.j2", "sent_back", teacher=summary.teacher, title=summary.title)
