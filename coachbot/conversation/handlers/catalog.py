"""Browsing the catalog by stack and pathway, one credential in detail, who can help, and
choosing one."""

from __future__ import annotations

from coachbot.conversation.authorization import OWN, for_roles
from coachbot.conversation.handlers.approvals import REQUEST_APPROVAL
from coachbot.conversation.handlers.common import as_seen, first_word
from coachbot.conversation.handlers.planning import propose_plan
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action
from coachbot.domain.cohort_days import window_closed
from coachbot.domain.errors import InvalidInput
from coachbot.domain.journey import Move
from coachbot.domain.roles import Role

CATALOG = Action("catalog")
SHOW = Action("show")
COLLEAGUES = Action("colleagues")
CHOOSE = Action("choose")


def register(r: Registry) -> None:
    r.command("catalog", rule=OWN, aliases=("browse", "credentials"))(catalog)
    r.action(CATALOG, rule=OWN)(catalog)
    r.command("show", rule=OWN, aliases=("about", "info"))(show)
    r.action(SHOW, rule=OWN)(show)
    r.command("colleagues", rule=OWN, aliases=("who",))(colleagues)
    r.action(COLLEAGUES, rule=OWN)(colleagues)
    r.command("choose", Role.TEACHER, rule=OWN, aliases=("pick", "select"))(choose)
    r.action(CHOOSE, rule=for_roles(Role.TEACHER))(choose)


async def catalog(turn: Turn, args: str) -> None:
    groups = await turn.read.catalog(turn.me.district_id)
    wanted = args.strip().lower()
    if wanted:
        groups = [g for g in groups if wanted in g.title.lower()] or groups
    await turn.answer("catalog.j2", "overview", groups=groups)


async def show(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    if not code:
        raise InvalidInput(field="code", hint="code_needed", command="show")
    detail = await turn.read.credential(turn.me.district_id, code, turn.me.school_id)
    buttons = []
    if turn.me.is_(Role.TEACHER):
        buttons.append(turn.say.button("choose_this", CHOOSE, detail.credential.code, primary=True))
    if detail.holders_open_to_questions:
        buttons.append(
            turn.say.button(
                "ask_holders",
                COLLEAGUES,
                detail.credential.code,
                count=detail.holders_open_to_questions,
            )
        )
    await turn.reply(
        turn.say.reply("catalog.j2", "credential", d=detail, c=detail.credential, buttons=buttons)
    )


async def colleagues(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    if not code:
        raise InvalidInput(field="code", hint="code_needed", command="colleagues")
    detail = await turn.read.credential(turn.me.district_id, code, turn.me.school_id)
    people = [
        (name, email)
        for name, email in await turn.read.colleagues(turn.me.district_id, code)
        if email != turn.me.email
    ]
    await turn.answer("catalog.j2", "colleagues", title=detail.credential.title, people=people)


async def choose(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    if not code:
        raise InvalidInput(field="code", hint="code_needed", command="choose")
    chosen = await turn.use.choosing.choose(turn.me.actor, code, idempotency_key=turn.key())
    if chosen.needs_approval:
        summary = await turn.read.pursuit(chosen.pursuit_id)
        await turn.reply(
            turn.say.reply(
                "pursuit.j2",
                "chosen_needs_approval",
                title=chosen.credential_title,
                buttons=[
                    turn.say.button(
                        "request_approval", REQUEST_APPROVAL, as_seen(summary), primary=True
                    )
                ],
            )
        )
        return
    await turn.use.journey.move(
        turn.me.actor, chosen.pursuit_id, Move.START_PLANNING, idempotency_key=turn.key("plan")
    )
    # No "here's a plan" when the window has no day left: the next message says so instead.
    closed = window_closed(await turn.read.window(chosen.pursuit_id), turn.today())
    await turn.answer("pursuit.j2", "chosen", title=chosen.credential_title, closed=closed)
    await propose_plan(turn, chosen.pursuit_id)
