"""District admins in chat: the refused attempts on others' records, from the audit trail.

Every refusal the engine's authorization makes (an action on someone else's pursuit, review,
cohort or person; a button pressed by a role it is not for) is written with who, what and why;
``attempts`` lists the latest of the admin's own district.
"""

from __future__ import annotations

from coachbot.conversation.authorization import OWN
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.roles import Role

SHOWN = 15


def register(r: Registry) -> None:
    r.command("attempts", Role.DISTRICT_ADMIN, rule=OWN, aliases=("refused",))(attempts)


async def attempts(turn: Turn, args: str) -> None:
    total, latest = await turn.use.access.attempts(turn.me.district_id, limit=SHOWN)
    await turn.answer("attempts.j2", "list", total=total, attempts=latest, tz=turn.me.timezone)
