"""Opening an evidence file through its link: the link checked, the rule asked, the bytes read.

Every HTTP request (and the demo's look) comes through ``EvidenceFiles.open``; nothing serves a
file any other way. The rule is the evidence views' own (``access.may_see``), asked again on
every open. Every open is in the audit trail ("open_evidence_file"), and so is every refusal
("open_evidence_file_refused": not permitted, expired, forged), with who and which part.

Opening is the busiest read there is (every click on a link, fifty reviewers at once), so the
opens that arrive together are decided together (``record.grouping``) in ONE write transaction:
the facts the rule needs are read, each open decided, and every open's audit event inserted and
committed, before any of them is answered. One transaction, not a read and then a write: with
fifty at once, the second stage was a second queue of round trips to the database (on SQLite a
thread hop per statement), the largest part of the wait before the first byte.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Executable, Integer, bindparam, insert, select, true, tuple_
from sqlalchemy.types import TupleType

from coachbot.clock import Clock
from coachbot.domain.errors import NotFound, NotPermitted
from coachbot.domain.roles import Actor, Role, RoleGrant
from coachbot.services.evidence.access import SEEING_STATUSES, may_see
from coachbot.services.evidence.links import EvidenceLinks, LinkRefused
from coachbot.services.record.audit_batches import AuditBatches
from coachbot.services.record.grouping import Grouped
from coachbot.storage.database import Database
from coachbot.storage.evidence_files import EvidenceStore
from coachbot.storage.models import (
    AuditEvent,
    EvidencePartRow,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
)


@dataclass(frozen=True)
class EvidenceFile:
    """A file part someone may open now: what it is called and where its bytes are."""

    part_id: int
    name: str
    size: int
    media_type: str | None
    sha256: str


@dataclass(frozen=True)
class OpenedFile:
    """A file someone may open: its bytes, or (folder store) the file on disk holding them, so
    the listener sends it with sendfile instead of copying a megabyte through Python."""

    file: EvidenceFile
    content: bytes | None = None
    path: Path | None = None

    async def read(self) -> bytes:
        if self.content is not None:
            return self.content
        assert self.path is not None  # one of the two is always set by ``EvidenceFiles.open``
        return await asyncio.to_thread(self.path.read_bytes)


@dataclass(frozen=True)
class _OpenFacts:
    """What the rule needs to decide one open, and what the file is."""

    actor: Actor
    reviewers: set[int]
    teacher_id: int
    district_id: int
    pursuit_id: int
    number: int
    name: str
    size: int
    media_type: str | None
    sha256: str


@dataclass(frozen=True)
class _Decided:
    """One open decided: its facts (None: no such file part) and whether the rule allows it."""

    facts: _OpenFacts | None
    allowed: bool


class EvidenceFiles:
    def __init__(
        self, db: Database, clock: Clock, links: EvidenceLinks, store: EvidenceStore
    ) -> None:
        self.db, self.clock, self.links, self.store = db, clock, links, store
        self.opens = AuditBatches(db)  # refused links (forged, expired): no facts to read
        self._opening: Grouped[tuple[int, int], _Decided] = Grouped(self._decide)

    async def open(self, token: str) -> OpenedFile:
        """The file a link names, for the person it was made for, if they may see it now.

        Raises ``LinkRefused`` (forged, expired), ``NotPermitted`` or ``NotFound``.
        """
        try:
            claim = self.links.verify(token)
        except LinkRefused as refused:
            await self.record_file_refusal(refused.reason, refused.part_id, refused.person_id)
            raise
        found = await self.file(claim.person_id, claim.part_id)
        path = self.store.local_path(found.sha256)
        if path is not None:
            return OpenedFile(found, path=path)
        content = await self.store.get(found.sha256)
        if content is None:  # never expected: every recorded file is kept first
            raise NotFound(what="evidence", key=str(found.part_id))
        return OpenedFile(found, content)

    async def file(self, person_id: int, part_id: int) -> EvidenceFile:
        """The file part ``part_id`` if ``person_id`` may open it now; audited either way.

        The busiest read here (every click on a file link): the opens that arrive together are
        decided in one write transaction (``_decide``), each after its request arrived, and
        this returns only once that transaction, with this open's audit event, is committed."""
        decided = await self._opening((person_id, part_id))
        if decided.facts is None:
            raise NotFound(what="evidence", key=str(part_id))
        if not decided.allowed:
            raise NotPermitted(move="view_evidence", parties=["owner", "reviewer", "admin"])
        facts = decided.facts
        return EvidenceFile(part_id, facts.name, facts.size, facts.media_type, facts.sha256)

    async def _decide(self, asked: list[tuple[int, int]]) -> list[_Decided]:
        """Each open's facts read, the rule asked, and its audit event committed, together.

        The facts are read inside the transaction that records the opens, so an open is
        decided on what the database held when its event was written (on SQLite, ``BEGIN
        IMMEDIATE``: no writer commits in between; on PostgreSQL, what was committed when the
        read began, as for every read here). A part that does not exist is not audited, as
        before: there is nothing to name.

        The unit is one synchronous function of a Core connection (``Database.write_at_once``):
        on SQLite one hop to a writer thread instead of a dozen through aiosqlite, and on both
        no ORM session, identity map or unit of work for rows nobody keeps."""
        at = self.clock.now()
        asking = _facts_asked(asked)

        def unit(connection: Connection) -> list[_Decided]:
            found = _facts(connection.execute(FACTS, asking), asked)
            decided = [
                _Decided(
                    facts,
                    facts is not None
                    and may_see(facts.actor, facts.teacher_id, facts.district_id, facts.reviewers),
                )
                for facts in found
            ]
            rows = [
                {
                    "occurred_at": at,
                    "district_id": one.facts.district_id,
                    "actor_id": person_id,
                    "subject_type": "evidence_part",
                    "subject_id": part_id,
                    "action": "open_evidence_file" if one.allowed else "open_evidence_file_refused",
                    "from_state": None,
                    "to_state": None,
                    "reason": None if one.allowed else "not_permitted",
                    "details": {
                        "pursuit": one.facts.pursuit_id,
                        "version": one.facts.number,
                        "file": one.facts.name,
                    },
                }
                for (person_id, part_id), one in zip(asked, decided, strict=True)
                if one.facts is not None
            ]
            if rows:
                connection.execute(insert(AuditEvent), rows)
            return decided

        return await self.db.write_at_once(unit)

    async def record_file_refusal(
        self, reason: str, part_id: int | None, person_id: int | None
    ) -> None:
        """A file not opened because its link expired or was altered, in the trail."""
        district_id = None
        if person_id is not None:  # a signed link names a real person; an altered one nobody
            async with self.db.read() as session:
                district_id = await session.scalar(
                    select(Person.district_id).where(Person.id == person_id)
                )
            if district_id is None:
                person_id = None
        await self.opens.record(
            at=self.clock.now(),
            actor_id=person_id,
            district_id=district_id,
            subject_type="evidence_part",
            subject_id=part_id or 0,
            action="open_evidence_file_refused",
            reason=reason,
        )


def _facts_query() -> Executable:
    """For each (person, part) asked: the part, its pursuit, and who the person is to it.

    One statement for the whole group (each asked pair a row, who the person is to the
    part asked in correlated EXISTS), so a burst of opens costs one round trip here. Built
    once (``FACTS``), the asked pairs given as parameters: building it afresh for each group
    cost more CPU than the rest of the decision together."""
    admin = (
        select(RoleGrantRow.id)
        .where(
            RoleGrantRow.person_id == Person.id,
            RoleGrantRow.role == Role.DISTRICT_ADMIN.value,
            RoleGrantRow.school_id.is_(None),
        )
        .exists()
    )
    reviewing = (
        select(Review.id)
        .where(
            Review.evidence_version_id == EvidenceVersion.id,
            Review.reviewer_id == Person.id,
            Review.status.in_(SEEING_STATUSES),
        )
        .exists()
    )
    return (
        select(
            Person.id,
            EvidencePartRow.id,
            EvidencePartRow.file_name,
            EvidencePartRow.file_size,
            EvidencePartRow.media_type,
            EvidencePartRow.content_hash,
            EvidenceVersion.number,
            Pursuit.id,
            Pursuit.teacher_id,
            Pursuit.district_id,
            Person.district_id,
            Person.active,
            admin,
            reviewing,
        )
        .select_from(EvidencePartRow)
        .join(EvidenceVersion, EvidenceVersion.id == EvidencePartRow.version_id)
        .join(Pursuit, Pursuit.id == EvidenceVersion.pursuit_id)
        .join(Person, true())
        .where(
            # Each list alone lets both databases look the rows up by key; the pairs then
            # keep exactly the combinations asked.
            Person.id.in_(bindparam("people", expanding=True)),
            EvidencePartRow.id.in_(bindparam("parts", expanding=True)),
            tuple_(Person.id, EvidencePartRow.id).in_(
                bindparam("pairs", expanding=True, type_=TupleType(Integer(), Integer()))
            ),
        )
    )


FACTS = _facts_query()


def _facts_asked(asked: list[tuple[int, int]]) -> dict[str, list[Any]]:
    """``FACTS``'s parameters for the pairs asked."""
    return {
        "people": sorted({person for person, _ in asked}),
        "parts": sorted({part for _, part in asked}),
        "pairs": sorted(set(asked)),
    }


def _facts(rows: Iterable[Any], asked: list[tuple[int, int]]) -> list[_OpenFacts | None]:
    """Each asked open's facts from ``_facts_query``'s rows (None: no such file part)."""
    by_pair: dict[tuple[int, int], _OpenFacts] = {}
    for row in rows:
        (
            person_id,
            part_id,
            name,
            size,
            media,
            sha,
            number,
            pursuit_id,
            teacher,
            district,
            home,
            active,
            is_admin,
            is_reviewer,
        ) = row
        if not sha:  # not a kept file (a link or a note): nothing to open
            continue
        by_pair[(person_id, part_id)] = _OpenFacts(
            # The same rule as every view (``may_see``), given what this query found.
            Actor(
                person_id if active else None,
                home,
                frozenset({RoleGrant(Role.DISTRICT_ADMIN)}) if is_admin else frozenset(),
            ),
            {person_id} if is_reviewer else set(),
            teacher,
            district,
            pursuit_id,
            number,
            name or "evidence",
            size or 0,
            media,
            str(sha),
        )
    return [by_pair.get(pair) for pair in asked]
