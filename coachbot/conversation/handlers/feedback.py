"""Reading feedback again: ``feedback [CODE]``, and the button on ``status``.

Quiet hours hold back pings, never information: feedback given at 1 a.m. waits in the outbox
for the morning's message, but the teacher who asks reads it at once, and what they read is
then marked read in the outbox so the morning does not send it again.
"""

from __future__ import annotations

from coachbot.conversation.authorization import OWN, Relation, Subject, on, pursuit_value
from coachbot.conversation.handlers.approvals import REQUEST_APPROVAL
from coachbot.conversation.handlers.evidence import DRAFT, SELF_CHECK
from coachbot.conversation.refs import PursuitRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action, Button
from coachbot.domain.catalog import code_key
from coachbot.domain.journey import State
from coachbot.domain.reviews import Decision
from coachbot.domain.roles import Role
from coachbot.services.reading import PursuitFeedback

FEEDBACK = Action("read_feedback")

# States in which the feedback points to work still to do, so its buttons offer the work.
REVISING = frozenset({State.IN_PROGRESS.value, State.NOT_YET.value})


def register(r: Registry) -> None:
    r.command("feedback", Role.TEACHER, rule=OWN, aliases=("feedbacks",))(feedback)
    r.action(
        FEEDBACK,
        rule=on(Subject.PURSUIT, Relation.OWNER, ref=pursuit_value, roles=(Role.TEACHER,)),
    )(feedback_pressed)


async def feedback(turn: Turn, args: str) -> None:
    mine = await turn.read.feedback(turn.me.person_id)
    wanted = args.strip()
    # An approver's note on a request sent back is feedback too, read again here any time.
    notes = await _sent_back_notes(turn, wanted)
    if not mine and notes:
        return
    if not mine and wanted and await turn.read.pursuit_by_code(turn.me.person_id, wanted) is None:
        # A code they don't have ("feedback PA-99"): said, not "no feedback yet".
        standing = await turn.use.status.teacher(turn.me.email, turn.me.district_id)
        codes = [line.credential_code for line in standing.pursuits]
        await turn.answer(
            "feedback.j2", "not_found", given=wanted[:40], codes=codes, unknown=True
        )
        return
    if not mine:
        waiting = await turn.read.pursuit_by_code(turn.me.person_id, None)
        under_review = waiting is not None and waiting.state in (
            State.DRAFT_WITH_FACILITATOR.value, State.SUBMITTED.value, State.UNDER_REVIEW.value
        )  # fmt: skip
        title = waiting.title if waiting is not None and under_review else ""
        await turn.answer("feedback.j2", "nothing_yet", waiting=title)
        return
    if wanted:
        chosen = [f for f in mine if _matches(f, wanted)]
        if not chosen and notes:
            return
        if not chosen:
            await turn.answer(
                "feedback.j2", "not_found", given=wanted[:40], codes=[f.code for f in mine]
            )
            return
        mine = chosen
    await _show(turn, mine)


async def feedback_pressed(turn: Turn, value: str) -> None:
    pursuit_id = PursuitRef.parse(value).pursuit_id
    mine = [f for f in await turn.read.feedback(turn.me.person_id) if f.pursuit_id == pursuit_id]
    if not mine:  # not theirs, or a forged value: the same words as a code nobody has
        await turn.answer("feedback.j2", "not_found", given=value[:40], codes=[])
        return
    await _show(turn, mine)


async def _show(turn: Turn, chosen: list[PursuitFeedback]) -> None:
    """One message per pursuit: the latest round in full (with any others still waiting in the
    outbox), earlier ones briefly; then what was still waiting is marked read."""
    seen: list[int] = []
    for found in chosen:
        full = [r for i, r in enumerate(found.rounds) if i == 0 or r.pending]
        brief = [r for r in found.rounds if r not in full]
        seen += [r.news_id for r in full if r.pending]
        await turn.reply(
            turn.say.reply(
                "feedback.j2",
                "pursuit",
                f=found,
                full=full,
                brief=brief,
                tz=turn.me.timezone,
                buttons=_buttons(turn, found),
            )
        )
    await turn.use.outbox.read_in_chat(turn.me.person_id, seen)


async def _sent_back_notes(turn: Turn, wanted: str) -> bool:
    """An approver's note on a request sent back, read again any time (with the button that
    asks again); True when there was one to show."""
    mine = await turn.use.status.teacher(turn.me.email, turn.me.district_id)
    shown = False
    for line in mine.pursuits:
        if line.state != State.SENT_BACK.value:
            continue
        if wanted and wanted.lower() not in (line.credential_code.lower(),
                                             line.credential_title.lower()):
            continue
        decided = await turn.read.approval_decision(line.pursuit_id)
        if decided is None:
            continue
        await turn.reply(
            turn.say.reply(
                "feedback.j2", "sent_back_note", title=line.credential_title, by=decided.by,
                at=decided.at, note=decided.reason, tz=turn.me.timezone,
                buttons=[turn.say.button("ask_again", REQUEST_APPROVAL,
                                         PursuitRef(line.pursuit_id), primary=True)],
            )
        )  # fmt: skip
        shown = True
    return shown


def _buttons(turn: Turn, found: PursuitFeedback) -> list[Button]:
    if found.state not in REVISING or found.latest.decision == Decision.EARNED:
        return []
    pursuit = str(PursuitRef(found.pursuit_id))
    return [
        turn.say.button("revise_evidence", DRAFT, pursuit, primary=True),
        turn.say.button("self_check", SELF_CHECK, pursuit),
    ]


def _matches(found: PursuitFeedback, wanted: str) -> bool:
    """A credential's code (any case), or words from its title."""
    return code_key(found.code) == code_key(wanted) or wanted.lower() in found.title.lower()
