"""A teacher's own credentials: each earned one, signed by the district, with its link."""

from __future__ import annotations

from coachbot.conversation.authorization import OWN
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.roles import Role


def register(r: Registry) -> None:
    # "credentials" already browses the catalog; what one holds is one's badges.
    r.command("badges", Role.TEACHER, rule=OWN, aliases=("earned",))(my_credentials)


async def my_credentials(turn: Turn, args: str) -> None:
    held = await turn.use.credentials.held_by(turn.me.actor)
    await turn.answer("credentials.j2", "my_credentials", held=held, now=turn.clock.now())
