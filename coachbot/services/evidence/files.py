"""Opening an evidence file through its link: the link checked, the rule asked, the bytes read.

Every HTTP request (and the demo's look) comes through ``open``; nothing serves a file any other
way. A refusal of any kind is in the audit trail before it is raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from coachbot.domain.errors import NotFound
from coachbot.services.evidence.access import EvidenceAccess, EvidenceFile
from coachbot.services.evidence.links import EvidenceLinks, LinkRefused
from coachbot.storage.evidence_files import EvidenceStore


@dataclass(frozen=True)
class OpenedFile:
    file: EvidenceFile
    content: bytes


class EvidenceFiles:
    def __init__(self, access: EvidenceAccess, links: EvidenceLinks, store: EvidenceStore) -> None:
        self.access, self.links, self.store = access, links, store

    async def open(self, token: str) -> OpenedFile:
        """The file a link names, for the person it was made for, if they may see it now.

        Raises ``LinkRefused`` (forged, expired), ``NotPermitted`` or ``NotFound``.
        """
        try:
            claim = self.links.verify(token)
        except LinkRefused as refused:
            await self.access.record_file_refusal(
                refused.reason, refused.part_id, refused.person_id
            )
            raise
        found = await self.access.file(claim.person_id, claim.part_id)
        content = await self.store.get(found.sha256)
        if content is None:  # never expected: every recorded file is kept first
            raise NotFound(what="evidence", key=str(found.part_id))
        return OpenedFile(found, content)
