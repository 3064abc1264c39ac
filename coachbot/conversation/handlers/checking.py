"""The teacher's rubric self-check: each criterion beside the parts that show it, and what the
pre-check would still hold back. Only the teacher sees their own basket; a look is read-only."""

from __future__ import annotations

from coachbot.conversation.handlers.common import first_word, my_pursuit, parse_pursuit_value
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.roles import Role


def register(r: Registry) -> None:
    # Not "check": a teacher writing "Check out my video: https://..." is handing in a link.
    r.command("selfcheck", Role.TEACHER, aliases=("self-check",))(check)
    r.action("self_check")(check_pressed)


async def check(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    if code:
        ref = await my_pursuit(turn, code)
    else:
        settings = await turn.bot.settings_of.view(turn.me.person_id)
        ref = await my_pursuit(turn, None)
        if settings.basket_pursuit_id is not None:
            basket = await turn.bot.views.pursuit(settings.basket_pursuit_id)
            if basket.state not in ("earned", "withdrawn"):
                ref = basket
    await check_pressed(turn, str(ref.pursuit_id))


async def check_pressed(turn: Turn, value: str) -> None:
    pursuit_id, _ = parse_pursuit_value(value)
    result = await turn.bot.basket.self_check(turn.me.actor, pursuit_id)
    buttons = [turn.say.button("submit", "submit", str(pursuit_id), primary=not result.gaps)]
    await turn.channel.reply(turn.say.reply("evidence.j2", "selfcheck", c=result, buttons=buttons))
