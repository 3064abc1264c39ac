"""A file on this computer, shared as evidence ("/file PATH", or a form's file field)."""

from __future__ import annotations

import hashlib
import mimetypes
import shlex
from pathlib import Path

from coachbot.conversation.vocabulary import SharedFile
from coachbot.domain.evidence import MAX_FILE_BYTES


def unquoted(typed: str) -> list[str]:
    """``typed`` read as a shell would: quotes and backslash-escaped spaces, as a path dragged
    or copied into a terminal comes ("/tmp/my plan.pdf" or /tmp/my\\ plan.pdf), taken off.
    The words, or none when it isn't shell-like (an apostrophe left open: "Ana's plan.pdf")."""
    try:
        return shlex.split(typed)
    except ValueError:
        return []


def shared_file(where: str) -> SharedFile | None:
    """The file at ``where`` as evidence to share, or None when there is no such file. The path
    is tried as typed first (a name may hold a quote), then unquoted as a shell would."""
    path = Path(where).expanduser()
    if not path.is_file():
        words = unquoted(where)
        if len(words) != 1 or words[0] == where:
            return None
        path = Path(words[0]).expanduser()
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


def file_and_caption(typed: str) -> tuple[SharedFile | None, str]:
    """``/file PATH`` or ``/file PATH Part name``: the file, and the message sent with it (the
    part it is for, as the bot suggests when it asks), as a platform sends a file's caption.
    A path with spaces is still read whole first; then as a shell reads it (quoted, or its
    spaces escaped with a backslash), the words after it being the caption."""
    shared = shared_file(typed)
    if shared is not None:
        return shared, ""
    words = unquoted(typed)
    for cut in range(len(words), 0, -1):
        shared = shared_file_at(" ".join(words[:cut]))
        if shared is not None:
            return shared, " ".join(words[cut:])
    plain = typed.split(" ")
    for cut in range(len(plain) - 1, 0, -1):
        shared = shared_file(" ".join(plain[:cut]))
        if shared is not None:
            return shared, " ".join(plain[cut:])
    return None, ""


def shared_file_at(path: str) -> SharedFile | None:
    """The file at exactly ``path`` (already unquoted), or None."""
    return shared_file(path) if Path(path).expanduser().is_file() else None


# The commands that take a credential file: on Slack or Discord it is attached to the message;
# at the terminal, where nothing can be attached, its path is typed after the command.
CREDENTIAL_COMMANDS = ("verify", "recognize", "recognise")
CREDENTIAL_SUFFIXES = (".json", ".jsonld", ".png")


def credential_file(typed: str) -> tuple[str, str, SharedFile | None] | None:
    """``verify PATH`` or ``recognize PATH``: the command, the path as typed and the file
    (None: no file there), to send to the bot as a platform sends an attachment; None when
    ``typed`` is not one of those commands followed by a path (a link, an id, nothing)."""
    word, _, rest = typed.strip().partition(" ")
    path = rest.strip()
    words = unquoted(path)  # a path dragged into a terminal may come quoted, or escaped
    path = words[0] if len(words) == 1 else path.strip("'\"")
    if word.lower() not in CREDENTIAL_COMMANDS or not path or "://" in path:
        return None
    shared = shared_file(path)
    if shared is not None:
        return word.lower(), path, shared
    looks_like_a_path = path.startswith(("/", "~", ".")) or "\\" in path or (
        Path(path).suffix.lower() in CREDENTIAL_SUFFIXES
    )  # fmt: skip
    return (word.lower(), path, None) if looks_like_a_path else None
