"""Opening an evidence file through its link: the link checked, the rule asked, the bytes read.

Every HTTP request (and the demo's look) comes through ``EvidenceFiles.open``; nothing serves a
file any other way. The rule is the evidence views' own (``access.may_see``), asked again on
every open. Every open is in the audit trail ("open_evidence_file"), and so is every refusal
("open_evidence_file_refused": not permitted, expired, forged), with who and which part.

This module is the serving half: the link, the grouping, the answer and where the bytes are.
The deciding and auditing of a group of opens is ``open_decisions``, read and tested alone.

Opening is the busiest read there is (every click on a link, fifty reviewers at once), so the
opens that arrive together are decided together (``record.grouping``) in ONE write transaction:
the facts the rule needs are read, each open decided, and every open's audit event inserted and
committed, before any of them is answered. One transaction, not a read and then a write: with
fifty at once, the second stage was a second queue of round trips to the database (on SQLite a
thread hop per statement), the largest part of the wait before the first byte.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from coachbot.clock import Clock
from coachbot.domain.errors import NotFound, NotPermitted
from coachbot.services.evidence.links import EvidenceLinks, LinkRefused
from coachbot.services.evidence.open_decisions import Decided, decide_and_audit
from coachbot.services.record.audit_batches import AuditBatches
from coachbot.services.record.grouping import Grouped
from coachbot.storage.database import Database
from coachbot.storage.evidence_files import EvidenceStore
from coachbot.storage.models import Person


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


class EvidenceFiles:
    def __init__(
        self, db: Database, clock: Clock, links: EvidenceLinks, store: EvidenceStore
    ) -> None:
        self.db, self.clock, self.links, self.store = db, clock, links, store
        self.opens = AuditBatches(db)  # refused links (forged, expired): no facts to read
        self._opening: Grouped[tuple[int, int], Decided] = Grouped(self._decide)

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
        facts = decided.facts
        if not decided.allowed:  # a colleague whose comments are done is told just that
            closed = {"commented": True} if facts.commented else {}
            raise NotPermitted(move="view_evidence", parties=["owner", "reviewer", "admin"],
                               **closed)  # fmt: skip
        return EvidenceFile(part_id, facts.name, facts.size, facts.media_type, facts.sha256)

    async def _decide(self, asked: list[tuple[int, int]]) -> list[Decided]:
        """Each open's facts read, the rule asked, and its audit event committed, together.

        The facts are read inside the transaction that records the opens, so an open is
        decided on what the database held when its event was written (on SQLite, ``BEGIN
        IMMEDIATE``: no writer commits in between; on PostgreSQL, what was committed when the
        read began, as for every read here). A part that does not exist is not audited, as
        before: there is nothing to name.

        The unit (``open_decisions.decide_and_audit``) is one synchronous function of a Core
        connection (``Database.write_at_once``):
        on SQLite one hop to a writer thread instead of a dozen through aiosqlite, and on both
        no ORM session, identity map or unit of work for rows nobody keeps."""
        at = self.clock.now()
        return await self.db.write_at_once(
            lambda connection: decide_and_audit(connection, asked, at)
        )

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
