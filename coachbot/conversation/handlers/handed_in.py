"""After a hand-in (from the basket or the form): tell the teacher what happened to it.

The hand-in, its routing (or its wait) and every message it causes (to the reviewer, a colleague
asked for comments, the admins when nobody is free) committed together in the service; those
messages are in the outbox, and the dispatch pass after this turn sends them. All that is left
here is the teacher's own reply.
"""

from __future__ import annotations

from coachbot.conversation.turn import Turn
from coachbot.services.reviews import Routed


async def tell_handed_in(turn: Turn, routed: Routed) -> None:
    if routed.replayed:
        await turn.answer("evidence.j2", "already_handed_in", title=routed.title, kind=routed.kind)
        return
    turn.queued_news()
    await turn.answer(
        "evidence.j2",
        "handed_in" if routed.reviewer else "handed_in_waiting",
        title=routed.title,
        kind=routed.kind,
        reviewer=routed.reviewer,
        free_on=routed.free_on,
        expected_by=routed.expected_by,
        peer=routed.peer,
        peer_review=routed.peer_review,
    )
