"""What a file is, told by its first bytes (magic numbers), never by its name.

A teacher's "plan.pdf" may be a renamed ZIP, a screenshot or a program; the credential's
``allowed_types`` are checked against what the content says it is. ``filetype`` knows the binary
formats (PDF, images, video, Office and OpenDocument files, archives, executables); plain text,
which has no magic number, is recognised here as valid UTF-8 without control bytes.
"""

from __future__ import annotations

import filetype

TEXT = "text/plain"
SNIFF_BYTES = 4096


def sniff(head: bytes) -> str | None:
    """The media type the content shows, or None when the first bytes do not tell."""
    if not head:
        return None
    guessed = filetype.guess_mime(head[:SNIFF_BYTES])
    if guessed:
        return str(guessed)
    return TEXT if _looks_like_text(head[:SNIFF_BYTES]) else None


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The cut at 4 KiB may split a character: ignore an incomplete last one.
        try:
            text = head[:-3].decode("utf-8") if len(head) > 3 else ""
        except UnicodeDecodeError:
            return False
    return bool(text) and not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)


def allowed(media_type: str | None, allowed_types: tuple[str, ...]) -> bool:
    """True when ``media_type`` is one the requirement takes (``image/*`` takes any image)."""
    if not allowed_types:
        return True
    if not media_type:
        return False
    family = media_type.split("/", 1)[0]
    return any(a == media_type or a == f"{family}/*" for a in allowed_types)


# How a media type reads to a teacher; the words themselves live in prompts (labels of types).
FRIENDLY = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/zip": "zip",
    "application/x-msdownload": "exe",
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "text/plain": "txt",
}


def short_name(media_type: str | None) -> str:
    """A short name for a media type ("pdf", "docx", "image"), for messages."""
    if not media_type:
        return ""
    if media_type in FRIENDLY:
        return FRIENDLY[media_type]
    family, _, sub = media_type.partition("/")
    return family if sub == "*" else sub.split(".")[-1].split("+")[0]
