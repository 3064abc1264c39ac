"""A file on this computer, shared as evidence ("/file PATH", or a form's file field)."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from coachbot.conversation.vocabulary import SharedFile
from coachbot.domain.evidence import MAX_FILE_BYTES


def shared_file(where: str) -> SharedFile | None:
    """The file at ``where`` as evidence to share, or None when there is no such file."""
    path = Path(where).expanduser()
    if not path.is_file():
        return None
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # not read into memory: the hand-in says it is too large
        with path.open("rb") as handle:
            head = handle.read(4096)
        return SharedFile(path.name, size, media, "0" * 64, str(path), head=head)
    data = path.read_bytes()
    return SharedFile(path.name, len(data), media, hashlib.sha256(data).hexdigest(), str(path),
                      head=data[:4096], content=data)
