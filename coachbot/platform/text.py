"""Splitting a long reply into pieces a platform accepts, at the most meaningful place.

Every platform caps a message (Discord: 2,000 characters of content; Slack: 3,000 a section):
a reply longer than that goes out as several messages in order, split between paragraphs
first, then between lines, then between words, and only cut mid-word when a single word is
longer than a whole piece (a pasted 40 KB token). Nothing is dropped.
"""

from __future__ import annotations


def _cut(text: str, limit: int) -> int:
    """Where to end the first piece of ``text``: after a paragraph, a line or a word when
    one ends in the second half of the piece, else at the limit itself."""
    for mark in ("\n\n", "\n", " "):
        at = text.rfind(mark, 0, limit)
        if at > limit // 2:
            return at
    return limit


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, none of them blank."""
    pieces: list[str] = []
    rest = text.strip("\n")
    while len(rest) > limit:
        at = _cut(rest, limit)
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip("\n ")
    if rest.strip():
        pieces.append(rest)
    return [piece for piece in pieces if piece.strip()] or ["…"]
