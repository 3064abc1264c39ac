"""Evidence: immutable versions (draft or formal) made of parts (text, link, file reference)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from coachbot.domain.catalog import PartKind
from coachbot.domain.errors import InvalidInput

MAX_TEXT_CHARS = 20_000
MAX_FILE_BYTES = 100 * 1024 * 1024


class EvidenceKind(StrEnum):
    DRAFT = "draft"
    FORMAL = "formal"


@dataclass(frozen=True)
class EvidencePart:
    requirement: str
    kind: PartKind
    text: str | None = None
    url: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    content_hash: str | None = None  # sha256 hex of the file's bytes
    media_type: str | None = None
    # The file's bytes, when they travel with the part from the adapter to the hand-in, which
    # keeps them in the evidence store. Parts read back from the record carry none.
    content: bytes | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind is PartKind.TEXT:
            if not self.text or not self.text.strip():
                raise InvalidInput(field=self.requirement, hint="text_empty")
            if len(self.text) > MAX_TEXT_CHARS:
                raise InvalidInput(
                    field=self.requirement, hint="text_too_long", limit=MAX_TEXT_CHARS
                )
        elif self.kind is PartKind.LINK:
            if not is_web_link(self.url or ""):
                raise InvalidInput(field=self.requirement, hint="link_invalid", value=self.url)
        elif self.kind is PartKind.FILE:
            if not self.file_name or self.file_size is None or not self.content_hash:
                raise InvalidInput(field=self.requirement, hint="file_incomplete")
            if not 0 < self.file_size <= MAX_FILE_BYTES:
                raise InvalidInput(field=self.requirement, hint="file_size", limit=MAX_FILE_BYTES)
            if len(self.content_hash) != 64 or any(
                c not in "0123456789abcdef" for c in self.content_hash
            ):
                raise InvalidInput(field=self.requirement, hint="file_hash")
            if self.content is not None and (
                len(self.content) != self.file_size
                or hashlib.sha256(self.content).hexdigest() != self.content_hash
            ):
                raise InvalidInput(field=self.requirement, hint="file_not_kept",
                                   name=self.file_name)


def is_web_link(url: str) -> bool:
    """An http(s) URL with a host and no whitespace: what a reviewer can open."""
    if not url or any(c.isspace() for c in url) or len(url) > 2048:
        return False
    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts.scheme in {"http", "https"} and "." in host
