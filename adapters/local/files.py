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


# The commands that take a credential file: on Slack or Discord it is attached to the message;
# at the terminal, where nothing can be attached, its path is typed after the command.
CREDENTIAL_COMMANDS = ("verify", "recognize", "recognise")
CREDENTIAL_SUFFIXES = (".json", ".jsonld", ".png")


def credential_file(typed: str) -> tuple[str, str, SharedFile | None] | None:
    """``verify PATH`` or ``recognize PATH``: the command, the path as typed and the file
    (None: no file there), to send to the bot as a platform sends an attachment; None when
    ``typed`` is not one of those commands followed by a path (a link, an id, nothing)."""
    word, _, rest = typed.strip().partition(" ")
    path = rest.strip().strip("'\"")  # a path dragged into a terminal may come quoted
    if word.lower() not in CREDENTIAL_COMMANDS or not path or "://" in path:
        return None
    shared = shared_file(path)
    if shared is not None:
        return word.lower(), path, shared
    looks_like_a_path = path.startswith(("/", "~", ".")) or "\\" in path or (
        Path(path).suffix.lower() in CREDENTIAL_SUFFIXES
    )  # fmt: skip
    return (word.lower(), path, None) if looks_like_a_path else None
