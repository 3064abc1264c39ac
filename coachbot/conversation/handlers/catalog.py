"""Browsing the catalog by stack and pathway, one credential in detail, and who can help."""

from __future__ import annotations

from coachbot.conversation.handlers.common import first_word
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.errors import InvalidInput
from coachbot.domain.roles import Role


def register(r: Registry) -> None:
    r.command("catalog", aliases=("browse", "credentials"))(catalog)
    r.action("catalog")(catalog)
    r.command("show", aliases=("about", "info"))(show)
    r.action("show")(show)
    r.command("colleagues", aliases=("who",))(colleagues)
    r.action("colleagues")(colleagues)


async def catalog(turn: Turn, args: str) -> None:
    groups = await turn.bot.views.catalog(turn.me.district_id)
    wanted = args.strip().lower()
    if wanted:
        groups = [g for g in groups if wanted in g.title.lower()] or groups
    await turn.answer("catalog.j2", "overview", groups=groups)


async def show(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    if not code:
        raise InvalidInput(field="code", hint="code_needed", command="show")
    detail = await turn.bot.views.credential(turn.me.district_id, code, turn.me.school_id)
    buttons = []
    if turn.me.is_(Role.TEACHER):
        buttons.append(
            turn.say.button("choose_this", "choose", detail.credential.code, primary=True)
        )
    if detail.holders_open_to_questions:
        buttons.append(
            turn.say.button(
                "ask_holders",
                "colleagues",
                detail.credential.code,
                count=detail.holders_open_to_questions,
            )
        )
    await turn.channel.reply(
        turn.say.reply("catalog.j2", "credential", d=detail, c=detail.credential, buttons=buttons)
    )


async def colleagues(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    if not code:
        raise InvalidInput(field="code", hint="code_needed", command="colleagues")
    detail = await turn.bot.views.credential(turn.me.district_id, code, turn.me.school_id)
    people = [
        (name, email)
        for name, email in await turn.bot.views.colleagues(turn.me.district_id, code)
        if email != turn.me.email
    ]
    await turn.answer("catalog.j2", "colleagues", title=detail.credential.title, people=people)
