"""Celebrating earners: the district channel hears about it (the teacher's own news, with what
the award brought, is the review's merged message in the outbox).

A teacher who opted out of being named is celebrated without their name. Names and titles are
data inside a fixed template, and adapters escape all text, so nothing a teacher typed can turn
an announcement into a mass mention or a spoof.
"""

from __future__ import annotations

from coachbot.conversation.turn import Turn


async def announce_award(turn: Turn, pursuit_id: int) -> None:
    """Post to the district channel. The teacher hears it in the review's merged message."""
    summary = await turn.read.award_summary(pursuit_id)
    if summary.channel:
        await turn.notify.to_channel(
            turn.me.district_id,
            summary.channel,
            turn.say.reply("celebrate.j2", "announcement", s=summary),
        )
