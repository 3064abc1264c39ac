"""Small helpers handlers share: finding "my" pursuit, and the first word of a command."""

from __future__ import annotations

from coachbot.conversation.refs import PursuitRef
from coachbot.conversation.turn import Turn
from coachbot.domain.errors import NotFound, PreconditionFailed
from coachbot.domain.roles import Role
from coachbot.services.reading import PursuitSummary


def as_seen(summary: PursuitSummary) -> PursuitRef:
    """The pursuit at the version this person is shown: a press after it changed is stale."""
    return PursuitRef(summary.pursuit_id, summary.version)


async def my_pursuit(turn: Turn, code: str | None) -> PursuitSummary:
    """The teacher's open pursuit of ``code``, or their latest one when no code is given."""
    summary = await turn.read.pursuit_by_code(turn.me.person_id, code or None)
    if summary is None:
        if code:
            raise NotFound(what="pursuit", key=code)
        raise PreconditionFailed(need="choose_first")
    return summary


def first_word(args: str) -> tuple[str, str]:
    """The first word and the rest; "#12" reads as 12, as lists show numbers ("Request #12")."""
    word, _, rest = args.strip().partition(" ")
    if word.startswith("#") and word[1:].isdigit():
        word = word[1:]
    return word, rest.strip()


def schools_seen(turn: Turn) -> list[int] | None:
    """A school admin (or a school's facilitator) sees their own schools' teachers, in
    ``progress`` and on their home alike; people with a district-wide role see them all."""
    grants = turn.me.actor.grants
    if any(g.school_id is None and g.role != Role.TEACHER for g in grants):
        return None
    return [g.school_id for g in grants if g.role != Role.TEACHER and g.school_id is not None]
