"""Celebrating earners: the teacher hears what they earned, the district channel hears about it.

A teacher who opted out of being named is celebrated without their name. Names and titles are
data inside a fixed template, and adapters escape all text, so nothing a teacher typed can turn
an announcement into a mass mention or a spoof.
"""

from __future__ import annotations

from coachbot.conversation.turn import Turn


async def announce_award(turn: Turn, pursuit_id: int) -> None:
    summary = await turn.bot.views.award_summary(pursuit_id)
    await turn.notify.to_person(
        summary.teacher_id,
        turn.say.reply(
            "celebrate.j2",
            "earned_for_teacher",
            s=summary,
            buttons=[turn.say.button("next_step_catalog", "catalog")],
        ),
    )
    if summary.channel:
        await turn.notify.to_channel(
            turn.me.district_id,
            summary.channel,
            turn.say.reply("celebrate.j2", "announcement", s=summary),
        )
