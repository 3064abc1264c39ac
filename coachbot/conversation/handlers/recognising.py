"""Checking a credential in chat, and recognising one earned elsewhere.

``verify`` (anyone; with a credential file attached, or one of our own links) answers with each
check in words and a verdict. ``recognize`` (a teacher) verifies, finds what the district's
policy says the credential counts as, and asks the district admins, who confirm or decline
with a button (or ``recognitions`` to see what waits). Recognised is recorded as recognised,
never as earned here.
"""

from __future__ import annotations

from typing import Any

from coachbot.conversation.authorization import OWN, for_roles
from coachbot.conversation.refs import parse_id
from coachbot.conversation.registry import Action, Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import DirectMessage
from coachbot.domain.errors import InvalidInput
from coachbot.domain.roles import Role
from coachbot.services.credentials.handed import from_file, from_link

RECOGNISE = Action("recognise")
DECLINE = Action("decline_recognition")


def register(r: Registry) -> None:
    r.command("verify", rule=OWN, takes_files=True)(verify)
    r.command("recognize", Role.TEACHER, rule=OWN, aliases=("recognise",), takes_files=True)(
        recognize
    )
    r.command("recognitions", Role.DISTRICT_ADMIN, rule=OWN)(waiting)
    r.action(RECOGNISE, rule=for_roles(Role.DISTRICT_ADMIN))(confirmed)
    r.action(DECLINE, rule=for_roles(Role.DISTRICT_ADMIN))(declined)


async def _handed(turn: Turn, args: str, command: str) -> tuple[dict[str, Any], str]:
    """The credential handed in, and what to call it in the answer (its file name or link)."""
    files = turn.event.files if isinstance(turn.event, DirectMessage) else ()
    if files:
        return from_file(files[0].name, files[0].content), files[0].name
    link = args.strip().split(" ", 1)[0] if args.strip() else ""
    if not link:
        raise InvalidInput(field="credential", hint="credential_needed", command=command)
    return await from_link(turn.use.credentials, link), link


async def verify(turn: Turn, args: str) -> None:
    document, source = await _handed(turn, args, "verify")
    verdict = await turn.use.recognitions.verify(turn.me.actor, document)
    await turn.answer(
        "credentials.j2", "verified_in_chat", source=source, verdict=verdict, tz=turn.me.timezone
    )


async def recognize(turn: Turn, args: str) -> None:
    document, source = await _handed(turn, args, "recognize")
    handed = await turn.use.recognitions.ask(turn.me.actor, document)
    await turn.answer(
        "credentials.j2", "recognition_handed", source=source, h=handed, tz=turn.me.timezone
    )
    if handed.outcome != "asked":
        return
    note = turn.say.reply(
        "credentials.j2", "recognition_to_decide", teacher=turn.me.name, h=handed,
        buttons=[
            turn.say.button("recognise_yes", RECOGNISE, handed.recognition_id, primary=True),
            turn.say.button("recognise_no", DECLINE, handed.recognition_id),
        ],
    )  # fmt: skip
    for admin in await turn.read.district_admins(turn.me.district_id):
        await turn.notify.to_person(admin, note)


async def waiting(turn: Turn, args: str) -> None:
    asked = await turn.use.recognitions.pending(turn.me.actor)
    buttons = [
        button
        for a in asked[:10]
        for button in (
            turn.say.button("recognise_n", RECOGNISE, a.recognition_id, n=a.recognition_id),
            turn.say.button("decline_n", DECLINE, a.recognition_id, n=a.recognition_id),
        )
    ]
    await turn.reply(turn.say.reply("credentials.j2", "recognitions_waiting", asked=asked,
                                    buttons=buttons))  # fmt: skip


async def _decide(turn: Turn, value: str, *, confirm: bool) -> None:
    decided = await turn.use.recognitions.decide(turn.me.actor, parse_id(value), confirm=confirm)
    await turn.answer("credentials.j2", "recognition_decided", a=decided, by="")
    await turn.notify.to_person(
        decided.teacher_id,
        turn.say.reply("credentials.j2", "recognition_decided_teacher", a=decided),
    )


async def confirmed(turn: Turn, value: str) -> None:
    await _decide(turn, value, confirm=True)


async def declined(turn: Turn, value: str) -> None:
    await _decide(turn, value, confirm=False)
