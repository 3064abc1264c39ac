"""A revocation list as W3C's Bitstring Status List says: one bit per credential (1: revoked),
at least 131,072 bits so that one credential's bit says little about who it is, GZIP-compressed
and written in multibase base64url (a ``u`` and no padding). Bit 0 is the first byte's highest.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

MIN_BITS = 131_072


class StatusListError(ValueError):
    """Not a list we can read, or an index outside it."""


def encode(revoked: Iterable[int], size: int = MIN_BITS) -> str:
    indexes = list(revoked)
    bits = max(size, MIN_BITS, *(i + 1 for i in indexes)) if indexes else max(size, MIN_BITS)
    data = bytearray((bits + 7) // 8)
    for index in indexes:
        data[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same revocations always encode to the same text.
    packed = gzip.compress(bytes(data), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("the list is not written in multibase base64url")
    body = encoded[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, OSError, EOFError) as error:
        raise StatusListError("the list cannot be unpacked") from error


def is_set(data: bytes, index: int) -> bool:
    if index < 0 or index >= len(data) * 8:
        raise StatusListError("the credential's index is outside the list")
    return bool(data[index // 8] & (0x80 >> (index % 8)))
