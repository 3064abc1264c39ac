"""Handing in evidence with one form: a field per part the credential asks for.

The other way to hand in (messages collected in the basket, then "send" or "submit") stays; the
form is filled in with what the basket and the last hand-in already hold, so both ways meet. A
field left empty keeps what is there. The form goes through the same hand-in and the same
pre-check as the basket; when the pre-check holds it back, what the teacher typed or attached is
kept in the basket, so nothing is lost.
"""

from __future__ import annotations

import contextlib

from coachbot.conversation.authorization import Relation, Subject, on, pursuit_value
from coachbot.conversation.handlers.handed_in import tell_handed_in
from coachbot.conversation.refs import PursuitRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import (
    Action,
    FieldKind,
    Form,
    FormField,
    FormSubmission,
    SharedFile,
)
from coachbot.domain import filetypes
from coachbot.domain.catalog import PartKind, Requirement
from coachbot.domain.errors import DomainError, InvalidInput
from coachbot.domain.evidence import EvidenceKind, EvidencePart
from coachbot.domain.roles import Role

HAND_IN_FORM = Action("hand_in_form")
FORM_ID = "hand_in"
SEND_AS = "send_as"
MINE = on(
    Subject.PURSUIT, Relation.OWNER, ref=pursuit_value, roles=(Role.TEACHER,), move="hand_in"
)
FIELD_KINDS = {
    PartKind.TEXT: FieldKind.LONG_TEXT,
    PartKind.LINK: FieldKind.URL,
    PartKind.FILE: FieldKind.FILE,
}


def register(r: Registry) -> None:
    r.action(HAND_IN_FORM, rule=MINE)(open_hand_in)
    r.form(FORM_ID, rule=MINE)(hand_in_submitted)


def field_name(index: int) -> str:
    """Fields are named by position: a part's name may be any text, a field name may not."""
    return f"part{index}"


def _field(
    turn: Turn, index: int, requirement: Requirement, current: EvidencePart | None
) -> FormField:
    initial = ""
    if current is not None and current.kind is requirement.kind:
        initial = (current.text if requirement.kind is PartKind.TEXT else current.url) or ""
    kept = (
        current.file_name or current.url if current and requirement.kind is PartKind.FILE else None
    )
    return FormField(
        field_name(index),
        turn.say.label("field_part", name=requirement.name, required=requirement.required),
        FIELD_KINDS[requirement.kind],
        # A draft may leave parts out; a formal submission's completeness is the pre-check's.
        required=False,
        initial=initial,
        hint=turn.say.label(
            "hint_part",
            description=requirement.description,
            kind=requirement.kind.value,
            min_words=requirement.min_words,
            max_words=requirement.max_words,
            allowed=[filetypes.short_name(t) for t in requirement.allowed_types],
            kept=kept,
            current=bool(initial),  # "keep what's there" only when something is
        ).strip(),
        max_words=requirement.max_words,
    )


async def open_hand_in(turn: Turn, value: str) -> None:
    pursuit_id = PursuitRef.parse(value).pursuit_id
    view = await turn.use.basket.view(turn.me.actor, pursuit_id)
    fields = [
        _field(turn, index, requirement, view.current.get(requirement.name))
        for index, requirement in enumerate(view.requirements)
    ]
    fields.append(
        FormField(
            SEND_AS,
            turn.say.label("field_send_as"),
            FieldKind.CHOICE,
            initial="draft" if view.missing or view.gaps else "formal",
            options=(
                turn.say.option("send_as_draft", "draft"),
                turn.say.option("send_as_formal", "formal"),
            ),
        )
    )
    await turn.open_form(
        Form(
            FORM_ID,
            turn.say.label("form_hand_in"),
            tuple(fields),
            turn.say.label("hand_in"),
            context=str(PursuitRef(pursuit_id)),
        )
    )


def _part(
    requirement: Requirement, value: str, files: tuple[SharedFile, ...]
) -> EvidencePart | None:
    """The part a field gives, checked as any part is; None for a field left empty."""
    if requirement.kind is PartKind.FILE and files:
        shared = files[0]
        return EvidencePart(
            requirement.name,
            PartKind.FILE,
            file_name=shared.name,
            file_size=shared.size,
            content_hash=shared.sha256,
            # The type is what the content shows, not what the name or the platform claims.
            media_type=filetypes.sniff(shared.head) if shared.head else shared.media_type,
            content=shared.content,  # kept with the hand-in, so the reviewer can open it
        )
    if not value or requirement.kind is PartKind.FILE:
        return None
    if requirement.kind is PartKind.LINK:
        return EvidencePart(requirement.name, PartKind.LINK, url=value)
    return EvidencePart(requirement.name, PartKind.TEXT, text=value)


async def hand_in_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    pursuit_id = PursuitRef.parse(context).pursuit_id
    event = turn.event
    files = event.files if isinstance(event, FormSubmission) else {}
    view = await turn.use.basket.view(turn.me.actor, pursuit_id)
    supplied: list[EvidencePart] = []
    problem: InvalidInput | None = None
    for index, requirement in enumerate(view.requirements):
        name = field_name(index)
        try:
            part = _part(requirement, (values.get(name) or "").strip(), files.get(name, ()))
        except InvalidInput as exc:  # told below, once the good parts are safe
            problem = problem or exc
            continue
        if part is not None:
            supplied.append(part)
    kind = EvidenceKind.FORMAL if values.get(SEND_AS) == "formal" else EvidenceKind.DRAFT
    try:
        if problem is not None:
            raise problem
        routed = await turn.use.hand_ins.hand_in_basket(
            turn.me.actor, pursuit_id, kind, supplied=supplied, idempotency_key=turn.key()
        )
    except DomainError:  # "almost there", a closed window, a mistyped link: words follow
        await _keep(turn, pursuit_id, supplied)
        raise
    await tell_handed_in(turn, routed)


async def _keep(turn: Turn, pursuit_id: int, parts: list[EvidencePart]) -> None:
    """Put the form's parts in the basket, so fixing one gap does not mean typing it all again.
    Where the basket cannot take them (the credential is no longer collecting evidence), the
    person is told why by the error being answered; nothing else is at stake."""
    for part in parts:
        with contextlib.suppress(DomainError):
            await turn.use.basket.add(
                turn.me.actor,
                pursuit_id,
                part.kind,
                named=part.requirement,
                text=part.text,
                url=part.url,
                file_name=part.file_name,
                file_size=part.file_size,
                content_hash=part.content_hash,
                media_type=part.media_type,
            )
