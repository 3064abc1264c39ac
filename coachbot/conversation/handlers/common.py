"""Small helpers handlers share: finding "my" pursuit, encoding button values."""

from __future__ import annotations

from coachbot.conversation.turn import Turn
from coachbot.domain.errors import InvalidInput, NotFound, PreconditionFailed
from coachbot.services.reading.read_models import PursuitRef


def pursuit_value(ref: PursuitRef) -> str:
    """A button value naming the pursuit and the version the person saw: ``"12.3"``."""
    return f"{ref.pursuit_id}.{ref.version}"


def parse_pursuit_value(value: str) -> tuple[int, int | None]:
    head, _, version = value.partition(".")
    if not head.isdigit() or (version and not version.isdigit()):
        raise InvalidInput(field="button", hint="stale_value", value=value[:20])
    return int(head), int(version) if version else None


async def my_pursuit(turn: Turn, code: str | None) -> PursuitRef:
    """The teacher's open pursuit of ``code``, or their latest one when no code is given."""
    ref = await turn.bot.views.pursuit_by_code(turn.me.person_id, code or None)
    if ref is None:
        if code:
            raise NotFound(what="pursuit", key=code)
        raise PreconditionFailed(need="choose_first")
    return ref


def first_word(args: str) -> tuple[str, str]:
    word, _, rest = args.strip().partition(" ")
    return word, rest.strip()
