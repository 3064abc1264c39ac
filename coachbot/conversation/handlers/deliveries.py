"""Messages the platform would not take: district admins see them in chat and send them again.

A message lands here only after the dispatcher's bounded retries (network errors, 5xx, or an
answer such as "channel not found"), never for a 429, which is just a wait. Retrying is safe to
press twice: the second press finds nothing left to retry.
"""

from __future__ import annotations

from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.roles import Role
from coachbot.services.nudging.history import dead_letters, retry_dead

SHOWN = 10


def register(r: Registry) -> None:
    r.command("undelivered", Role.DISTRICT_ADMIN, aliases=("deliveries", "dead"))(undelivered)
    r.action("retry_dead")(retry)


async def undelivered(turn: Turn, args: str) -> None:
    total, letters = await dead_letters(turn.bot.db, turn.me.district_id, limit=SHOWN)
    buttons = []
    if total:
        buttons.append(turn.say.button("retry_all_dead", "retry_dead", "all", primary=True,
                                       count=total))
        for person_id, name in {d.person_id: d.person for d in letters}.items():
            if len(buttons) > 3:
                break
            buttons.append(turn.say.button("retry_dead_for", "retry_dead", str(person_id),
                                           name=name))
    await turn.channel.reply(
        turn.say.reply("deliveries.j2", "list", total=total, letters=letters,
                       tz=turn.me.timezone, buttons=buttons)
    )


async def retry(turn: Turn, value: str) -> None:
    if not turn.me.actor.has_role(Role.DISTRICT_ADMIN):
        await turn.answer("deliveries.j2", "admins_only")
        return
    person_id = int(value) if value.isdigit() else None
    again = await retry_dead(turn.bot.db, turn.bot.clock.now(),
                             district_id=turn.me.district_id, person_id=person_id)
    await turn.answer("deliveries.j2", "retrying", count=again)
