"""Filing a file the teacher sends into a part of their evidence, never by guesswork.

A file goes where its caption or its name says ("student-work.png" to "Student work
samples"), or to the only part it can go; otherwise the teacher is asked which part it is for.
A part that already holds a file is never replaced without asking, whether or not the file
was sent with the part's name: a part holds one file, so the teacher may replace it, file the
new one as another part, or keep what is there (several samples go in as one PDF). A file
sent with the name of a part that takes a link or a note is told what that part takes, and
asked which of the file parts its type fits it is for: never turned into another part's
question unasked (a trial's "Replace Lesson plan?" for a file named "Classroom video").

A file the teacher was asked about waits in their basket until they answer (or say to let it
go): when they type something else instead, it is never dropped; after that turn they are
reminded of it, with the same choices (``remind_waiting``).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from coachbot.conversation.authorization import Relation, Subject, for_roles, on
from coachbot.conversation.refs import FileChoice
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action, Button, DirectMessage, SharedFile
from coachbot.domain.catalog import PartKind
from coachbot.domain.roles import Role
from coachbot.services.evidence.basket import FilePlace
from coachbot.services.evidence.waiting import WaitingFile
from coachbot.services.reading import PursuitSummary

log = logging.getLogger("coachbot.conversation")
FILE_AS = Action("file_as")
LET_GO = Action("let_file_go")
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
    r.action(LET_GO, rule=FILE_MINE)(let_go)
    r.after_turn(rule=for_roles(Role.TEACHER))(remind_waiting)
    r.on_answer(rule=for_roles(Role.TEACHER))(part_named)


async def file_shared(
    turn: Turn, summary: PursuitSummary, shared: SharedFile, caption: str | None
) -> str | None:
    """File ``shared``; returns the part it went to, or None when the teacher was asked
    (the file waits in the basket until they answer)."""
    place = await turn.use.basket.place_file(
        turn.me.actor, summary.pursuit_id, shared.name, shared.head or None
    )
    wanted = (caption or "").strip().rstrip(":").lower()
    not_file = next((c for c in place.not_files if c.lower() == wanted), None)
    if not_file is not None:  # named for a link or a note: said, never filed elsewhere unasked
        await _not_a_file_part(turn, summary, shared, place, not_file)
        return None
    named = next((c for c in place.choices if c.lower() == wanted), None)
    if named is not None and place.filled.get(named) not in (None, shared.name):
        # Named, but the part holds another file: asked exactly as when it is not named,
        # since a part holds one file and the one there would leave the evidence.
        place = replace(place, part=named, holding=place.filled[named])
        named = None
    elif named is None and place.part and place.holding in (None, shared.name):
        named = place.part  # empty, or a new version of the same file: said when replaced
    if named is None:
        await _ask(turn, summary, shared, place)
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
) -> None:
    """Which part is this file for? Or, when the obvious part holds a file: replace it? The
    file waits in the basket until the teacher answers."""
    waiting = await _hold(turn, summary, shared)
    await _which_part(turn, summary.title, waiting, place, again=False)


async def _not_a_file_part(
    turn: Turn, summary: PursuitSummary, shared: SharedFile, place: FilePlace, part: str
) -> None:
    """A file sent with the name of a part that takes a link or a note: the teacher reads
    what that part takes, and is asked whether the file is for one of the file parts its type
    fits (each offered as itself: "Replace X" where X holds a file). The file waits for the
    answer, as any file whose part is not known; with no file part at all, nothing is kept."""
    choices = place.fitting or place.choices
    if not choices:
        await turn.answer(
            "evidence.j2", "not_a_file_part", part=part, kind=place.not_files[part],
            file=shared.name, choices=[], filled={}, title=summary.title,
        )  # fmt: skip
        return
    waiting = await _hold(turn, summary, shared)
    buttons = [
        turn.say.button(
            "replace_part" if c in place.filled else "file_for",
            FILE_AS,
            _choice(waiting, c),
            part=c,
        )
        for c in choices
    ][:5]
    buttons.append(
        turn.say.button("let_file_go", LET_GO, _choice(waiting, ""), file=waiting.file_name)
    )
    await turn.reply(
        turn.say.reply(
            "evidence.j2",
            "not_a_file_part",
            part=part,
            kind=place.not_files[part],
            file=shared.name,
            choices=list(choices),
            filled={c: place.filled[c] for c in choices if c in place.filled},
            title=summary.title,
            buttons=buttons,
        )
    )


def _choice(waiting: WaitingFile, part: str) -> str:
    return str(
        FileChoice(waiting.pursuit_id, part, waiting.sha256, waiting.size,
                   waiting.media_type, waiting.file_name)
    )  # fmt: skip


async def _hold(turn: Turn, summary: PursuitSummary, shared: SharedFile) -> WaitingFile:
    """The file kept in the basket, waiting for the teacher to say which part it is for."""
    await turn.use.waiting_files.hold(
        turn.me.actor,
        summary.pursuit_id,
        file_name=shared.name,
        size=shared.size,
        sha256=shared.sha256,
        content=shared.content,
        head=shared.head,
    )
    return WaitingFile(
        summary.pursuit_id, shared.name, shared.sha256, shared.size, shared.media_type or ""
    )


async def _which_part(
    turn: Turn, title: str, waiting: WaitingFile, place: FilePlace, *, again: bool
) -> None:
    part, holding, choices, filled = place.part, place.holding, place.choices, place.filled

    def choice(name: str) -> str:
        return str(
            FileChoice(waiting.pursuit_id, name, waiting.sha256, waiting.size,
                       waiting.media_type, waiting.file_name)
        )  # fmt: skip

    buttons: list[Button] = []
    if part and holding:
        buttons.append(turn.say.button("replace_part", FILE_AS, choice(part), part=part))
        buttons += [
            turn.say.button("file_for", FILE_AS, choice(c), part=c)
            for c in choices
            if c != part and c not in filled
        ]
        # Keeping what is there lets the new file go, and says so.
        buttons = buttons[:5]
        buttons.append(turn.say.button("keep_part", LET_GO, choice(""), old=holding))
    else:  # a part holding a file is offered as what pressing it does: "Replace X"
        buttons += [
            turn.say.button("replace_part" if c in filled else "file_for", FILE_AS, choice(c),
                            part=c)
            for c in choices
        ]  # fmt: skip
        buttons = buttons[:5]
        buttons.append(turn.say.button("let_file_go", LET_GO, choice(""), file=waiting.file_name))
    await turn.reply(
        turn.say.reply(
            "evidence.j2",
            "which_part",
            file=waiting.file_name,
            part=part if holding else None,
            holding=holding,
            filled=filled,
            choices=list(choices),
            again=again,
            title=title,
            buttons=buttons,
        )
    )


async def remind_waiting(turn: Turn) -> None:
    """After a teacher's turn: a file still waiting for its part is asked about again, so
    typing something else never loses it. Not after the message that sent it (it was just
    asked about, or filed)."""
    if isinstance(turn.event, DirectMessage) and turn.event.files:
        return
    pending = await turn.use.waiting_files.pending(turn.me.actor)
    if not pending:
        return
    waiting = pending[0]
    place = await turn.use.basket.place_file(
        turn.me.actor, waiting.pursuit_id, waiting.file_name, None
    )
    summary = await turn.read.pursuit(waiting.pursuit_id)
    log.info("reminding person %s of %d waiting file(s)", turn.me.person_id, len(pending))
    await _which_part(turn, summary.title, waiting, place, again=True)


async def part_named(turn: Turn) -> bool:
    """The answer to "which part is this file for?" typed in words ("lesson plan", "for
    Lesson plan") rather than pressed: the waiting file is filed there. False when no file
    waits or the words name none of its parts (then they are a message like any other)."""
    text = turn.event.text if isinstance(turn.event, DirectMessage) else ""
    pending = await turn.use.waiting_files.pending(turn.me.actor)
    wanted = text.strip().rstrip(".!:").strip().lower()
    wanted = wanted.removeprefix("for ").strip()
    if not pending or not wanted:
        return False
    waiting = pending[0]
    place = await turn.use.basket.place_file(
        turn.me.actor, waiting.pursuit_id, waiting.file_name, None
    )
    named = next((c for c in place.choices if c.lower() == wanted), None)
    if named is None:
        return False
    await file_as(
        turn,
        str(FileChoice(waiting.pursuit_id, named, waiting.sha256, waiting.size,
                       waiting.media_type, waiting.file_name)),
    )  # fmt: skip
    return True


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


async def let_go(turn: Turn, value: str) -> None:
    """The teacher keeps what is there, or does not want the file after all: it stops
    waiting, and they read that it did."""
    chosen = FileChoice.parse(value)
    name = await turn.use.waiting_files.let_go(turn.me.actor, chosen.pursuit_id, chosen.sha256)
    summary = await turn.read.pursuit(chosen.pursuit_id)
    await turn.answer(
        "evidence.j2", "let_go", file=name or chosen.file_name, gone=name is None,
        title=summary.title,
    )  # fmt: skip
