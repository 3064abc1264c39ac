"""Choosing a credential, pre-approval, status, withdrawing, and asking for help."""

from __future__ import annotations

from coachbot.conversation.handlers.common import (
    first_word,
    my_pursuit,
    parse_pursuit_value,
    pursuit_value,
)
from coachbot.conversation.handlers.planning import propose_plan
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import FieldKind, Form, FormField
from coachbot.domain.errors import InvalidInput
from coachbot.domain.journey import Move, State
from coachbot.domain.roles import Role


def register(r: Registry) -> None:
    r.command("choose", Role.TEACHER, aliases=("pick", "select"))(choose)
    r.action("choose")(choose)
    r.action("request_approval")(request_approval)
    r.form("approval_request")(approval_request_submitted)
    r.command("status", aliases=("progress-me", "where"))(status)
    r.action("status")(status)
    r.command("withdraw", Role.TEACHER)(withdraw)
    r.command("helpme", Role.TEACHER, aliases=("stuck", "ask"))(help_me)
    r.action("help_me")(help_me_pressed)


async def choose(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    if not code:
        raise InvalidInput(field="code", hint="code_needed", command="choose")
    chosen = await turn.bot.choosing.choose(turn.me.actor, code, idempotency_key=turn.key())
    if chosen.needs_approval:
        ref = await turn.bot.views.pursuit(chosen.pursuit_id)
        await turn.channel.reply(
            turn.say.reply(
                "pursuit.j2",
                "chosen_needs_approval",
                title=chosen.credential_title,
                buttons=[
                    turn.say.button(
                        "request_approval", "request_approval", pursuit_value(ref), primary=True
                    )
                ],
            )
        )
        return
    await turn.bot.journey.move(
        turn.me.actor, chosen.pursuit_id, Move.START_PLANNING, idempotency_key=turn.key("plan")
    )
    await turn.answer("pursuit.j2", "chosen", title=chosen.credential_title)
    await propose_plan(turn, chosen.pursuit_id)


async def request_approval(turn: Turn, value: str) -> None:
    """Kettle Moraine asks how the credential serves the school's goals, and the plan."""
    pursuit_id, _ = parse_pursuit_value(value)
    ref = await turn.bot.views.pursuit(pursuit_id)
    await turn.channel.open_form(
        Form(
            "approval_request",
            turn.say.label("form_approval", title=ref.title),
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
            context=value,
        )
    )


async def approval_request_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    pursuit_id, version = parse_pursuit_value(context)
    alignment = values.get("alignment", "").strip()
    if not alignment:
        raise InvalidInput(field="alignment", hint="alignment_needed")
    reason = alignment + (f"\n\n{values['plan'].strip()}" if values.get("plan", "").strip() else "")
    await turn.bot.journey.move(
        turn.me.actor,
        pursuit_id,
        Move.REQUEST_APPROVAL,
        reason=reason,
        expected_version=version,
        idempotency_key=turn.key(),
    )
    ref = await turn.bot.views.pursuit(pursuit_id)
    approvers = await turn.bot.views.approvers_for(pursuit_id)
    request = turn.say.reply(
        "approvals.j2",
        "request",
        teacher=turn.me.name,
        title=ref.title,
        reason=reason,
        buttons=[
            turn.say.button("approve", "approve", pursuit_value(ref), primary=True),
            turn.say.button("send_back", "send_back", pursuit_value(ref)),
        ],
    )
    for person_id in approvers:
        await turn.notify.to_person(person_id, request)
    await turn.answer("pursuit.j2", "approval_requested", title=ref.title, approvers=len(approvers))


async def status(turn: Turn, args: str) -> None:
    mine = await turn.bot.status.teacher(turn.me.email)
    buttons = []
    for line in mine.pursuits:
        if line.state in (State.IN_PROGRESS, State.NOT_YET) and line.next_milestone:
            buttons.append(
                turn.say.button(
                    "mark_done", "done", str(line.pursuit_id), code=line.credential_code
                )
            )
    if not mine.pursuits and turn.me.is_(Role.TEACHER):
        buttons.append(turn.say.button("browse_catalog", "catalog", primary=True))
    settings = await turn.bot.settings_of.view(turn.me.person_id)
    await turn.channel.reply(
        turn.say.reply("pursuit.j2", "status", s=mine, settings=settings, buttons=buttons[:5])
    )


async def withdraw(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    ref = await my_pursuit(turn, code)
    await turn.bot.journey.move(
        turn.me.actor,
        ref.pursuit_id,
        Move.WITHDRAW,
        reason=args or None,
        idempotency_key=turn.key(),
    )
    await turn.answer("pursuit.j2", "withdrawn", title=ref.title)


async def help_me(turn: Turn, args: str) -> None:
    ref = await my_pursuit(turn, None)
    facilitators = await turn.bot.views.facilitators_of(ref.pursuit_id)
    if not facilitators:
        facilitators = await turn.bot.views.district_admins(turn.me.district_id)
    note = turn.say.reply(
        "pursuit.j2",
        "help_request",
        teacher=turn.me.name,
        email=turn.me.email,
        title=ref.title,
        state=ref.state,
        message=args,
    )
    for person_id in facilitators:
        await turn.notify.to_person(person_id, note)
    await turn.bot.journey.note(turn.me.actor, ref.pursuit_id, "ask_for_help", args)
    await turn.answer("pursuit.j2", "help_sent", count=len(facilitators))


async def help_me_pressed(turn: Turn, value: str) -> None:
    await help_me(turn, "")
