"""Leaders in chat: pre-approvals, cohorts, policy and progress."""

from __future__ import annotations

from datetime import date

from coachbot.conversation.dates import parse_day, spoken
from coachbot.conversation.handlers.common import first_word, parse_pursuit_value, pursuit_value
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import FieldKind, Form, FormField
from coachbot.domain.errors import InvalidInput, NotFound
from coachbot.domain.journey import Move
from coachbot.domain.roles import Role

ADMINS = (Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)


def register(r: Registry) -> None:
    r.command("approvals", *ADMINS, aliases=("requests",))(approvals)
    r.action("approve")(approve)
    r.command("approve", *ADMINS)(approve_command)
    r.action("send_back")(send_back)
    r.form("send_back")(send_back_submitted)
    r.command("cohort", *ADMINS, aliases=("cohorts",))(cohort)
    r.action("new_cohort")(new_cohort)
    r.form("cohort_new")(cohort_submitted)
    r.command("policy", Role.DISTRICT_ADMIN)(policy)
    r.command("progress", *ADMINS, Role.FACILITATOR)(progress)
    r.action("progress")(progress)


async def approvals(turn: Turn, args: str) -> None:
    waiting = await turn.bot.views.approvals(turn.me.actor)
    buttons = []
    for ref in waiting[:5]:
        buttons.append(
            turn.say.button("approve_for", "approve", pursuit_value(ref), teacher=ref.teacher)
        )
    await turn.channel.reply(
        turn.say.reply("approvals.j2", "list", waiting=waiting, buttons=buttons)
    )


async def approve_command(turn: Turn, args: str) -> None:
    number, _ = first_word(args)
    if not number.isdigit():
        raise InvalidInput(field="request", hint="request_number", command="approve")
    await approve(turn, number)


async def approve(turn: Turn, value: str) -> None:
    pursuit_id, version = parse_pursuit_value(value)
    await turn.bot.journey.move(
        turn.me.actor,
        pursuit_id,
        Move.APPROVE,
        expected_version=version,
        idempotency_key=turn.key(),
    )
    ref = await turn.bot.views.pursuit(pursuit_id)
    await turn.notify.to_person(
        await turn.bot.views.teacher_of(pursuit_id),
        turn.say.reply(
            "approvals.j2",
            "approved_for_teacher",
            title=ref.title,
            approver=turn.me.name,
            buttons=[turn.say.button("make_plan", "plan_for", str(pursuit_id), primary=True)],
        ),
    )
    await turn.answer("approvals.j2", "approved", teacher=ref.teacher, title=ref.title)


async def send_back(turn: Turn, value: str) -> None:
    await turn.channel.open_form(
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
    pursuit_id, version = parse_pursuit_value(context)
    reason = values.get("reason", "").strip()
    await turn.bot.journey.move(
        turn.me.actor,
        pursuit_id,
        Move.SEND_BACK,
        reason=reason,
        expected_version=version,
        idempotency_key=turn.key(),
    )
    ref = await turn.bot.views.pursuit(pursuit_id)
    await turn.notify.to_person(
        await turn.bot.views.teacher_of(pursuit_id),
        turn.say.reply(
            "approvals.j2",
            "sent_back_for_teacher",
            title=ref.title,
            approver=turn.me.name,
            reason=reason,
            buttons=[
                turn.say.button("ask_again", "request_approval", pursuit_value(ref), primary=True)
            ],
        ),
    )
    await turn.answer("approvals.j2", "sent_back", teacher=ref.teacher, title=ref.title)


async def cohort(turn: Turn, args: str) -> None:
    """``cohort`` lists; ``cohort new`` opens the form; ``cohort add NAME: a@x, b@y`` adds."""
    word, rest = first_word(args)
    if word.lower() == "new":
        await new_cohort(turn, "")
        return
    if word.lower() in {"add", "facilitator"}:
        name, _, emails = rest.partition(":")
        role = Role.FACILITATOR if word.lower() == "facilitator" else Role.TEACHER
        await _add_members(turn, name.strip(), emails, role)
        return
    cohorts = await turn.bot.views.cohorts(turn.me.district_id)
    await turn.channel.reply(
        turn.say.reply(
            "cohorts.j2",
            "list",
            cohorts=[name for _, name in cohorts],
            buttons=[turn.say.button("new_cohort", "new_cohort", primary=True)],
        )
    )


async def _add_members(turn: Turn, name: str, emails: str, role: Role) -> None:
    if not name or not emails.strip():
        raise InvalidInput(field="cohort", hint="cohort_add_usage")
    match = [
        cid
        for cid, cname in await turn.bot.views.cohorts(turn.me.district_id)
        if cname.lower() == name.lower()
    ]
    if not match:
        raise NotFound(what="cohort", key=name)
    added, already, unknown = [], [], []
    for email in (e.strip() for e in emails.replace(";", ",").split(",")):
        if not email:
            continue
        try:
            if await turn.bot.cohorts.add_member(turn.me.actor, match[0], email, role):
                added.append(email)
            else:
                already.append(email)
        except NotFound:
            unknown.append(email)
    await turn.answer(
        "cohorts.j2",
        "members_added",
        cohort=name,
        added=added,
        already=already,
        unknown=unknown,
        role=role.value,
    )


async def new_cohort(turn: Turn, value: str) -> None:
    await turn.channel.open_form(
        Form(
            "cohort_new",
            turn.say.label("form_cohort"),
            (
                FormField("name", turn.say.label("field_cohort_name"), FieldKind.SHORT_TEXT),
                FormField(
                    "starts",
                    turn.say.label("field_starts"),
                    FieldKind.DATE,
                    hint=turn.say.label("hint_plain_date"),
                ),
                FormField("ends", turn.say.label("field_ends"), FieldKind.DATE),
                FormField(
                    "window_opens",
                    turn.say.label("field_window_opens"),
                    FieldKind.DATE,
                    required=False,
                ),
                FormField(
                    "window_closes",
                    turn.say.label("field_window_closes"),
                    FieldKind.DATE,
                    required=False,
                ),
            ),
            turn.say.label("create"),
        )
    )


def _day(turn: Turn, values: dict[str, str], name: str, required: bool = True) -> date | None:
    raw = values.get(name, "").strip()
    if not raw and not required:
        return None
    day = parse_day(raw, turn.me.timezone, turn.bot.clock.now())
    if day is None:
        raise InvalidInput(field=name, hint="date_unclear", value=raw[:60])
    return day


async def cohort_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    starts, ends = _day(turn, values, "starts"), _day(turn, values, "ends")
    opens = _day(turn, values, "window_opens", required=False)
    closes = _day(turn, values, "window_closes", required=False)
    if (opens is None) != (closes is None):
        raise InvalidInput(field="window", hint="window_both_dates")
    assert starts is not None and ends is not None
    window = (opens, closes) if opens and closes else None
    await turn.bot.cohorts.create(
        turn.me.actor, values.get("name", ""), starts, ends, window=window
    )
    await turn.answer(
        "cohorts.j2",
        "created",
        name=values.get("name", "").strip(),
        starts=spoken(starts),
        ends=spoken(ends),
        window=(spoken(window[0]), spoken(window[1])) if window else None,
    )


async def policy(turn: Turn, args: str) -> None:
    word, rest = first_word(args)
    if word.lower() == "set":
        key, _, value = rest.partition(" ")
        changed = await turn.bot.policy.set(turn.me.actor, key.strip().lower(), value.strip())
        await turn.answer("policy.j2", "changed", key=key.strip().lower(), value=changed)
        return
    current = await turn.bot.policy.current(turn.me.district_id)
    await turn.answer("policy.j2", "show", p=current, settable=turn.bot.policy.settable())


async def progress(turn: Turn, args: str) -> None:
    cohorts = await turn.bot.views.cohorts(turn.me.district_id)
    wanted = args.strip().lower()
    chosen = [(cid, name) for cid, name in cohorts if not wanted or wanted in name.lower()]
    reports = [await turn.bot.status.cohort(cid) for cid, _ in chosen[:5]]
    await turn.answer("cohorts.j2", "progress", reports=reports)
