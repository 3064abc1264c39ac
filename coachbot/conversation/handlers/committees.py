"""Committees in chat: ``committee`` lists the requests waiting for your committee (with the
year's stipend budget and forecast), ``vote N yes`` or ``vote N not yet REASON`` votes.
Anyone may type them; the service says who sits on which committee."""

from __future__ import annotations

import re

from coachbot.conversation.authorization import OWN
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.errors import InvalidInput

VOTE = re.compile(
    r"^#?(\d+)\s+(yes|approve|no|not\s+yet)\b[:,]?\s*(.*)$", re.IGNORECASE | re.DOTALL
)


def register(r: Registry) -> None:
    r.command("committee", rule=OWN, aliases=("committees",))(committee)
    r.command("vote", rule=OWN)(vote)


async def committee(turn: Turn, args: str) -> None:
    waiting = await turn.use.committees.waiting(turn.me.actor)
    await turn.answer("ledger.j2", "committee", open=waiting)


async def vote(turn: Turn, args: str) -> None:
    found = VOTE.match(args.strip())
    if found is None:
        raise InvalidInput(field="vote", hint="vote_usage")
    number, choice, reason = int(found.group(1)), found.group(2).lower(), found.group(3)
    yes = choice in ("yes", "approve")
    done = await turn.use.committees.vote(turn.me.actor, number, yes, reason)
    await turn.answer("ledger.j2", "voted", v=done)
    if done.state != "open":
        turn.queued_news()  # the teacher's news was written with the decision
