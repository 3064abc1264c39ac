"""Filing a file the teacher sends into a part of their evidence, never by guesswork.

A file goes where its caption or its name says ("student-work.png" to "Student work
samples"), or to the only part it can go; otherwise the teacher is asked which part it is for.
A part that already holds a file is never replaced without saying so: the teacher may replace
it, file the new one as another part, or keep what is there.
"""

from __future__ import annotations

from coachbot.conversation.authorization import Relation, Subject, on
from coachbot.conversation.refs import FileChoice, PursuitRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action, Button, SharedFile
from coachbot.domain.catalog import PartKind
from coachbot.domain.roles import Role
from coachbot.services.evidence.basket import FilePlace
from coachbot.services.reading import PursuitSummary

FILE_AS = Action("file_as")
# Only into the presser's own basket: the button names the pursuit the file goes with.
FILE_MINE = on(
    Subject.PURSUIT,
    Relation.OWNER,
    ref=lambda value: FileChoice.parse(value).pursuit_id,
    roles=(Role.TEACHER,),
    move="hand_in",
)


def register(r: Registry) -> None:
    r.action(FILE_AS, rule=FILE_MINE)(file_as)


async def file_shared(
    turn: Turn, summary: PursuitSummary, shared: SharedFile, caption: str | None, keep: Action
) -> str | None:
    """File ``shared``; returns the part it went to, or None when the teacher was asked
    (``keep`` is the button that leaves the basket as it is, and shows it)."""
    place = await turn.use.basket.place_file(
        turn.me.actor, summary.pursuit_id, shared.name, shared.head or None
    )
    wanted = (caption or "").strip().rstrip(":").lower()
    named = next((c for c in place.choices if c.lower() == wanted), None)
    if named is None and place.part and place.holding in (None, shared.name):
        named = place.part  # empty, or a new version of the same file: said when replaced
    if named is None:
        await _ask(turn, summary, shared, place, keep)
        return None
    filed = await turn.use.basket.add(
        turn.me.actor,
        summary.pursuit_id,
        PartKind.FILE,
        named=named,
        file_name=shared.name,
        file_size=shared.size,
        content_hash=shared.sha256,
        head=shared.head,  # the type is told by the content, not the name
        content=shared.content,  # kept, so the reviewer can open it
    )
    replaced = place.filled.get(filed)
    if replaced:
        await turn.answer("evidence.j2", "replaced", part=filed, old=replaced, new=shared.name)
    return filed


async def _ask(
    turn: Turn,
    summary: PursuitSummary,
    shared: SharedFile,
    place: FilePlace,
    keep: Action,
) -> None:
    """Which part is this file for? Or, when the obvious part holds a file: replace it?"""
    part, holding, choices, filled = place.part, place.holding, place.choices, place.filled
    await turn.use.basket.hold_file(shared.name, shared.content, shared.sha256)
    media = shared.media_type or ""

    def choice(name: str) -> str:
        return str(
            FileChoice(summary.pursuit_id, name, shared.sha256, shared.size, media, shared.name)
        )

    buttons: list[Button] = []
    if part and holding:
        buttons.append(turn.say.button("replace_part", FILE_AS, choice(part), part=part))
        buttons += [
            turn.say.button("file_for", FILE_AS, choice(c), part=c)
            for c in choices
            if c != part and c not in filled
        ]
        buttons.append(
            turn.say.button("keep_part", keep, PursuitRef(summary.pursuit_id), old=holding)
        )
    else:
        buttons += [turn.say.button("file_for", FILE_AS, choice(c), part=c) for c in choices]
    await turn.reply(
        turn.say.reply(
            "evidence.j2",
            "which_part",
            file=shared.name,
            part=part if holding else None,
            holding=holding,
            filled=filled,
            choices=list(choices),
            buttons=buttons[:6],
        )
    )


async def file_as(turn: Turn, value: str) -> None:
    chosen = FileChoice.parse(value)
    place = await turn.use.basket.place_file(turn.me.actor, chosen.pursuit_id, "", None)
    filed = await turn.use.basket.add(
        turn.me.actor,
        chosen.pursuit_id,
        PartKind.FILE,
        named=chosen.part,
        file_name=chosen.file_name,
        file_size=chosen.size,
        content_hash=chosen.sha256,
        media_type=chosen.media_type or None,
    )
    replaced = place.filled.get(filed)
    if replaced:
        await turn.answer("evidence.j2", "replaced", part=filed, old=replaced, new=chosen.file_name)
    summary = await turn.read.pursuit(chosen.pursuit_id)
    await turn.answer("evidence.j2", "filed", parts=[filed], title=summary.title)
