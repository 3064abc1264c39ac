"""The draft basket: evidence parts a teacher sends over several messages before handing in.

A part is matched to the credential's requirements: "Reflection: ..." names its part; otherwise
a file goes to the part its name or type points to ("student-work.png" to "Student work
samples"), or to the only file part still empty; when that is not obvious the conversation asks
(``place_file``), and it never replaces a part without saying so. A link goes to the first link
part still empty, or stands in for a file part that takes any type of file (one naming its
types asks for the file). Sending a named part again replaces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain import filetypes
from coachbot.domain.catalog import PartKind, Requirement
from coachbot.domain.errors import InvalidInput, NotPermitted, PreconditionFailed
from coachbot.domain.evidence import EvidencePart
from coachbot.domain.journey import OPEN_STATES, State
from coachbot.domain.precheck import CriterionCheck, Gap, precheck, self_check
from coachbot.domain.roles import Actor
from coachbot.services.evidence.keeping import FileKeeper
from coachbot.services.journey.gate import lock_pursuit
from coachbot.storage.codec import requirements_from_json, rubric_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    CredentialRow,
    DraftItem,
    EvidencePartRow,
    EvidenceVersion,
    Pursuit,
)

# The part of a file that waits for the teacher to say which part it is for (services.evidence
# .waiting): no requirement is named "", so nothing reading the basket's parts mistakes it.
WAITING = ""
# Evidence is collected once the plan is made, and while a draft or a "not yet" is out.
COLLECTING = {State.IN_PROGRESS, State.NOT_YET, State.DRAFT_WITH_FACILITATOR}


@dataclass(frozen=True)
class BasketView:
    pursuit_id: int
    credential_title: str
    have: list[tuple[str, str, str]]  # (requirement, kind, what: a file name, link or excerpt)
    carried: list[str]  # parts not resent that will be carried over from the last hand-in
    missing: list[str]  # required parts neither in the basket nor handed in before
    gaps: list[Gap] = field(default_factory=list)  # parts present that need fixing first
    # For the hand-in form: every part the credential asks for, and what a hand-in would hold
    # for each now (the basket, or what is carried over), to fill the form in with.
    requirements: tuple[Requirement, ...] = ()
    current: dict[str, EvidencePart] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)  # files waiting to be told their part


@dataclass(frozen=True)
class SelfCheck:
    pursuit_id: int
    credential_title: str
    criteria: list[CriterionCheck]
    gaps: list[Gap]  # everything the pre-check would hold back from a formal submission


def part_of(item: DraftItem | EvidencePartRow) -> EvidencePart:
    return EvidencePart(
        requirement=item.requirement,
        kind=PartKind(item.kind),
        text=item.text,
        url=item.url,
        file_name=item.file_name,
        file_size=item.file_size,
        content_hash=item.content_hash,
        media_type=item.media_type,
    )


async def basket_parts(
    session: AsyncSession, pursuit_id: int
) -> tuple[list[EvidencePart], set[str]]:
    """What a hand-in would hold now: the basket, plus the parts of the last hand-in the
    teacher did not resend. Returns (parts, names of the parts that are in the basket)."""
    items = list(
        await session.scalars(
            select(DraftItem)
            .where(DraftItem.pursuit_id == pursuit_id, DraftItem.requirement != WAITING)
            .order_by(DraftItem.id)
        )
    )
    parts = [part_of(i) for i in items]
    names = {i.requirement for i in items}
    latest = await session.scalar(
        select(EvidenceVersion.id)
        .where(EvidenceVersion.pursuit_id == pursuit_id)
        .order_by(EvidenceVersion.number.desc())
        .limit(1)
    )
    if latest is not None:
        parts += [
            part_of(row)
            for row in await session.scalars(
                select(EvidencePartRow)
                .where(EvidencePartRow.version_id == latest)
                .order_by(EvidencePartRow.position)
            )
            if row.requirement not in names
        ]
    return parts, names


def match_requirement(
    requirements: tuple[Requirement, ...], kind: PartKind, named: str | None, filled: set[str]
) -> Requirement | None:
    if named:
        wanted = named.strip().lower()
        return next((r for r in requirements if r.name.lower() == wanted), None)
    open_first = sorted(requirements, key=lambda r: (r.name in filled, not r.required))
    found = next((r for r in open_first if r.kind is kind), None)
    if kind is PartKind.LINK and (found is None or found.name in filled):
        # A bare link (a Drive or Docs file) may stand in for a file part still empty, where
        # the part takes any file: one that names its types asks for the file itself.
        found = next(
            (r for r in open_first if link_may_stand_in(r) and r.name not in filled), found
        )
    return found


def link_may_stand_in(requirement: Requirement) -> bool:
    """Whether a link may be handed in for this part: a link part, or a file part that takes
    any kind of file. A file part naming its types ("As pdf or jpeg or png") asks for a file a
    reviewer can open here, of a type its content shows; a link shows neither (the pre-check
    says the same, ``domain.precheck``)."""
    return requirement.kind is PartKind.LINK or (
        requirement.kind is PartKind.FILE and not requirement.allowed_types
    )


_WORD = re.compile(r"[a-z]{3,}")
_COMMON = {"the", "and", "for", "with", "file", "doc", "pdf", "png", "jpg", "jpeg", "docx"}


def _words(text: str) -> set[str]:
    words = set(_WORD.findall(text.lower())) - _COMMON
    return words | {w[:-1] for w in words if w.endswith("s")}


@dataclass(frozen=True)
class FilePlace:
    """Where a file sent without a part's name would go.

    ``part`` is the part it obviously belongs to (None: not obvious, ask among ``choices``);
    ``holding`` is what that part already holds in the basket (a file name), which filing
    there would replace: the conversation asks before it does."""

    part: str | None
    holding: str | None
    choices: tuple[str, ...]
    filled: dict[str, str] = field(default_factory=dict)  # what the basket holds, by part
    # The file parts this file's type fits (a part naming no types takes any), and the parts
    # that take no file at all, with what they take ("link", "text"): a file sent with one of
    # their names is told what that part takes, never retargeted to a file part unasked.
    fitting: tuple[str, ...] = ()
    not_files: dict[str, str] = field(default_factory=dict)


def place_file(
    requirements: tuple[Requirement, ...],
    basket: dict[str, str],
    file_name: str,
    media_type: str | None,
) -> FilePlace:
    """The part a file belongs to: the one its name points to, else the one its type fits,
    else the only file part still empty; otherwise none (ask)."""
    parts = [r for r in requirements if r.kind is PartKind.FILE]
    choices = tuple(r.name for r in parts)
    named = _words(file_name.rsplit(".", 1)[0])
    scored = sorted(((len(named & _words(r.name)), r.name) for r in parts), reverse=True)
    part: str | None = None
    if scored and scored[0][0] and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        part = scored[0][1]
    if part is None:
        fits = [r.name for r in parts if r.allowed_types and filetypes.allowed(media_type,
                                                                                r.allowed_types)]
        typed = [r.name for r in parts if r.allowed_types]
        empty = [r.name for r in parts if r.name not in basket]
        if len(fits) == 1 and len(typed) == len(parts):
            part = fits[0]
        elif len(parts) == 1:
            part = parts[0].name
        elif len(empty) == 1 and len(fits) <= 1:
            part = empty[0]
    fitting = tuple(r.name for r in parts if filetypes.allowed(media_type, r.allowed_types))
    not_files = {r.name: r.kind.value for r in requirements if r.kind is not PartKind.FILE}
    return FilePlace(
        part, basket.get(part) if part else None, choices, basket, fitting, not_files
    )


class BasketService:
    def __init__(self, db: Database, clock: Clock, keeper: FileKeeper) -> None:
        self.db = db
        self.clock = clock
        self.keeper = keeper

    async def add(
        self,
        actor: Actor,
        pursuit_id: int,
        kind: PartKind,
        *,
        named: str | None = None,
        text: str | None = None,
        url: str | None = None,
        file_name: str | None = None,
        file_size: int | None = None,
        content_hash: str | None = None,
        media_type: str | None = None,
        head: bytes | None = None,
        caption: str | None = None,
        content: bytes | None = None,
    ) -> str:
        """Add (or replace) one part; returns the requirement it was filed under.

        With ``head`` (a file's first bytes) the file's type is what its content shows; the
        name and the type the platform claimed are not trusted. A ``caption`` that names a part
        (a file sent with "Student work samples") files it there; any other caption is ignored.
        A file's ``content`` is kept in the evidence store first; a file part without it must
        name bytes the store already holds (a part put back from a form).
        """
        if head is not None:
            media_type = filetypes.sniff(head)
        if kind is PartKind.FILE and content is not None:
            await self.keeper.keep_bytes(named or "evidence", file_name, content, content_hash)
        async with self.db.write() as session:
            pursuit, requirements = await self._open(session, actor, pursuit_id)
            filled = set(
                await session.scalars(
                    select(DraftItem.requirement).where(
                        DraftItem.pursuit_id == pursuit.id, DraftItem.requirement != WAITING
                    )
                )
            )
            requirement = None
            if caption and not named:
                requirement = match_requirement(requirements, kind, caption.rstrip(":"), filled)
            requirement = requirement or match_requirement(requirements, kind, named, filled)
            if requirement is None:
                raise InvalidInput(
                    field="evidence",
                    hint="no_matching_part",
                    kind=kind.value,
                    allowed=[r.name for r in requirements],
                )
            if kind is PartKind.LINK and requirement.kind is PartKind.FILE:
                if not link_may_stand_in(requirement):  # nothing stored: say what it takes
                    raise InvalidInput(
                        field=requirement.name,
                        hint="file_not_link",
                        allowed=[filetypes.short_name(t) for t in requirement.allowed_types],
                    )
            # A link may stand in for a file that may be of any type (a shared folder).
            elif requirement.kind is not kind:
                raise InvalidInput(
                    field=requirement.name,
                    hint="wrong_kind",
                    expected=requirement.kind.value,
                    value=kind.value,
                )
            # Validates the part (links, sizes, hashes) before anything is stored.
            part = EvidencePart(
                requirement.name,
                kind,
                text=text,
                url=url,
                file_name=file_name,
                file_size=file_size,
                content_hash=content_hash,
                media_type=media_type,
            )
            await self.keeper.check([part])
            await session.execute(
                delete(DraftItem).where(
                    DraftItem.pursuit_id == pursuit.id, DraftItem.requirement == requirement.name
                )
            )
            if kind is PartKind.FILE and content_hash:  # it waited for its part: filed now
                await session.execute(
                    delete(DraftItem).where(
                        DraftItem.pursuit_id == pursuit.id,
                        DraftItem.requirement == WAITING,
                        DraftItem.content_hash == content_hash,
                    )
                )
            session.add(
                DraftItem(
                    pursuit_id=pursuit.id,
                    requirement=requirement.name,
                    kind=kind.value,
                    text=text,
                    url=url,
                    file_name=file_name,
                    file_size=file_size,
                    content_hash=content_hash,
                    media_type=media_type,
                    added_at=self.clock.now(),
                )
            )
            pursuit.last_activity_at = self.clock.now()
            return requirement.name

    async def place_file(
        self, actor: Actor, pursuit_id: int, file_name: str, head: bytes | None
    ) -> FilePlace:
        """Where a file sent without a part's name would go, and what it would replace."""
        async with self.db.read() as session:
            pursuit, requirements = await self._open(session, actor, pursuit_id, locked=False)
            items = await session.scalars(
                select(DraftItem).where(
                    DraftItem.pursuit_id == pursuit.id, DraftItem.requirement != WAITING
                )
            )
            basket = {i.requirement: i.file_name or i.url or "" for i in items}
            media_type = filetypes.sniff(head) if head else None
            return place_file(requirements, basket, file_name, media_type)

    async def hold_file(self, file_name: str, content: bytes | None, content_hash: str) -> None:
        """Keep a file's bytes while the teacher says which part it is for (``add`` later
        files it by its hash, with no content)."""
        if content is not None:
            await self.keeper.keep_bytes("evidence", file_name, content, content_hash)

    async def view(self, actor: Actor, pursuit_id: int) -> BasketView:
        async with self.db.read() as session:
            pursuit, requirements = await self._open(session, actor, pursuit_id, locked=False)
            credential = await session.get(CredentialRow, pursuit.credential_id)
            assert credential is not None
            items = list(
                await session.scalars(
                    select(DraftItem)
                    .where(DraftItem.pursuit_id == pursuit.id)
                    .order_by(DraftItem.id)
                )
            )
            waiting = [i.file_name or "" for i in items if i.requirement == WAITING]
            have = [
                (i.requirement, i.kind, i.file_name or i.url or glimpse(i.text or ""))
                for i in items
                if i.requirement != WAITING
            ]
            parts, names = await basket_parts(session, pursuit.id)
            present = {p.requirement for p in parts}
            carried = [r.name for r in requirements if r.name not in names and r.name in present]
            missing = [r.name for r in requirements if r.required and r.name not in present]
            gaps = precheck(requirements, parts, complete=False)
            return BasketView(
                pursuit.id,
                credential.title,
                have,
                carried,
                missing,
                gaps,
                requirements,
                {p.requirement: p for p in parts},
                waiting,
            )

    async def self_check(self, actor: Actor, pursuit_id: int) -> SelfCheck:
        """The rubric self-check: each criterion beside the parts that show it, and the gaps."""
        async with self.db.read() as session:
            pursuit, requirements = await self._open(
                session, actor, pursuit_id, locked=False, states=OPEN_STATES
            )
            credential = await session.get(CredentialRow, pursuit.credential_id)
            assert credential is not None
            parts, _ = await basket_parts(session, pursuit.id)
            rubric = rubric_from_json(credential.rubric)
            return SelfCheck(
                pursuit.id,
                credential.title,
                self_check(requirements, rubric, parts),
                precheck(requirements, parts, complete=True),
            )

    async def clear(self, actor: Actor, pursuit_id: int) -> None:
        async with self.db.write() as session:
            pursuit, _ = await self._open(session, actor, pursuit_id)
            await session.execute(delete(DraftItem).where(DraftItem.pursuit_id == pursuit.id))

    async def _open(
        self,
        session: AsyncSession,
        actor: Actor,
        pursuit_id: int,
        locked: bool = True,
        states: frozenset[State] | set[State] = COLLECTING,
    ) -> tuple[Pursuit, tuple[Requirement, ...]]:
        if locked:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
        else:
            found = await session.get(Pursuit, pursuit_id)
            if found is None:
                raise PreconditionFailed(need="pursuit")
            pursuit = found
        if pursuit.teacher_id != actor.person_id:
            raise NotPermitted(move="hand_in", parties=["owner"])
        if State(pursuit.state) not in states:
            raise PreconditionFailed(need="collecting_state", state=pursuit.state)
        credential = await session.get(CredentialRow, pursuit.credential_id)
        assert credential is not None
        return pursuit, requirements_from_json(credential.requirements)


def glimpse(text: str, limit: int = 60) -> str:
    """The start of a text for a list, cut between words with an ellipsis, never mid-word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"
