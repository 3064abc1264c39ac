"""A teacher's own files: what they handed in last, each file with a link that opens it.

The links are made fresh for whoever asks, expire, and are checked against the evidence rules
again when opened (see ``services.evidence.links``). Reviewers and admins get the same links in
the review view (``review N``). ``files`` takes a credential's code, never a number: a number
(a review's, as ``review N`` takes) is answered with what to type instead.
"""

from __future__ import annotations

from coachbot.conversation.authorization import OWN
from coachbot.conversation.handlers.common import first_word, my_pursuit
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Role


def register(r: Registry) -> None:
    r.command("files", Role.TEACHER, rule=OWN, aliases=("handed",))(files)


async def files(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    # An earned credential's files stay the teacher's to open ("files PA-02" after earning).
    found = (
        await turn.read.pursuit_by_code(turn.me.person_id, code, earned_too=True) if code else None
    )
    if found is None and code.isdigit():  # a number, as "review 45" takes: not a code
        await turn.answer("evidence.j2", "files_by_code", number=code)
        return
    summary = found or await my_pursuit(turn, code or None)
    try:
        view = await turn.use.evidence_access.latest(turn.me.actor, summary.pursuit_id)
    except NotFound:  # nothing handed in yet: say so, never the record's inner numbers
        await turn.answer("evidence.j2", "no_files_yet", title=summary.title)
        return
    await turn.answer("evidence.j2", "my_files", v=view, hours=turn.use.evidence_access.link_hours)
