"""Files made for one person in chat (the HR export, a teacher's own record), kept on disk and
handed over as a signed link that expires, since a chat reply carries text, not files.

The link names the file by a random id and is signed with the link secret (as evidence links
are): it cannot be guessed, altered or used after it expires. The web listener serves it.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coachbot.clock import Clock
from coachbot.services.evidence.links import EvidenceLinks, LinkRefused

PATH = "/downloads/"
_ID = re.compile(r"^[0-9a-f]{32}$")
MEDIA = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Download:
    path: Path
    name: str
    media_type: str


class Downloads:
    def __init__(self, folder: Path, links: EvidenceLinks, clock: Clock) -> None:
        self.folder, self.links, self.clock = folder, links, clock

    def place(self, name: str) -> tuple[str, Path]:
        """A fresh id and where to write the file called ``name`` (a plain file name)."""
        file_id = secrets.token_hex(16)
        folder = self.folder / file_id
        folder.mkdir(parents=True, exist_ok=True)
        return file_id, folder / Path(name).name

    def url(self, file_id: str, person_id: int) -> str:
        expires = int((self.clock.now() + self.links.lifetime).timestamp())
        payload = f"{file_id}.{person_id}.{expires}"
        return f"{self.links.base_url}{PATH}{payload}.{self.links.sign(payload)}"

    def open(self, token: str) -> Download:
        """The file a genuine, unexpired link names; ``LinkRefused`` otherwise."""
        pieces = token.split(".")
        if (
            len(pieces) != 4
            or not _ID.match(pieces[0])
            or not all(p.isdigit() for p in pieces[1:3])
        ):
            raise LinkRefused("forged")
        payload = ".".join(pieces[:3])
        if not hmac.compare_digest(self.links.sign(payload), pieces[3]):
            raise LinkRefused("forged")
        if self.clock.now() >= datetime.fromtimestamp(int(pieces[2]), UTC):
            raise LinkRefused("expired")
        files = list((self.folder / pieces[0]).glob("*"))
        if len(files) != 1:
            raise LinkRefused("gone")
        found = files[0]
        return Download(found, found.name, MEDIA.get(found.suffix, "application/octet-stream"))
