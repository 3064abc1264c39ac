"""Keeping a copy of every file handed in, so that a stored part's hash always names bytes the
evidence store holds.

Bytes are kept before the transaction that records them: the store is content-addressed, so a
copy whose transaction then fails is harmless (the same file handed in again finds it there),
while a recorded part without its bytes would be a file nobody can ever open. A part recorded
without bytes in hand (from the basket, or carried over from the last hand-in) must name bytes
the store already holds, or the teacher is asked to send the file again.
"""

from __future__ import annotations

from collections.abc import Iterable

from coachbot.domain.catalog import PartKind
from coachbot.domain.errors import InvalidInput
from coachbot.domain.evidence import EvidencePart
from coachbot.storage.evidence_files import EvidenceStore, digest


class FileKeeper:
    def __init__(self, store: EvidenceStore, max_bytes: int) -> None:
        self.store = store
        self.max_bytes = max_bytes

    async def keep_bytes(
        self, requirement: str, name: str | None, content: bytes, content_hash: str | None
    ) -> None:
        """Keep one file's bytes, refusing (politely) one too large or not the one described."""
        if len(content) > self.max_bytes:
            raise InvalidInput(field=requirement, hint="file_size", limit=self.max_bytes)
        if content_hash is not None and digest(content) != content_hash:
            raise InvalidInput(field=requirement, hint="file_not_kept", name=name)
        await self.store.put(content)

    async def keep(self, parts: Iterable[EvidencePart]) -> None:
        for part in parts:
            if part.kind is PartKind.FILE and part.content is not None:
                await self.keep_bytes(
                    part.requirement, part.file_name, part.content, part.content_hash
                )

    async def check(self, parts: Iterable[EvidencePart]) -> None:
        """Every file part names bytes the store holds (checked inside the hand-in)."""
        for part in parts:
            if part.kind is PartKind.FILE and part.content_hash:
                if part.file_size is not None and part.file_size > self.max_bytes:
                    raise InvalidInput(
                        field=part.requirement, hint="file_size", limit=self.max_bytes
                    )
                if not await self.store.exists(part.content_hash):
                    raise InvalidInput(
                        field=part.requirement, hint="file_not_kept", name=part.file_name
                    )
