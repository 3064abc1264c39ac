"""Multibase (base58btc, the ``z`` prefix) and Multikey encodings of Ed25519 keys.

Data Integrity proofs and the issuer profile carry keys and signatures in these encodings
(W3C Controlled Identifiers, Multikey): a public key is ``z`` + base58btc(0xed 0x01 + 32 bytes),
a secret key ``z`` + base58btc(0x80 0x26 + 32 bytes), a signature ``z`` + base58btc(64 bytes).
"""

from __future__ import annotations

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
ED25519_PUBLIC = b"\xed\x01"
ED25519_SECRET = b"\x80\x26"


class MultibaseError(ValueError):
    """Not a base58btc multibase value, or not the kind of key expected."""


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise MultibaseError(f"{char!r} is not a base58 character")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode(data: bytes) -> str:
    return "z" + b58encode(data)


def decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise MultibaseError("a multibase value in base58btc starts with 'z'")
    return b58decode(value[1:])


def public_multikey(raw: bytes) -> str:
    return encode(ED25519_PUBLIC + raw)


def secret_multikey(raw: bytes) -> str:
    return encode(ED25519_SECRET + raw)


def _key(value: str, header: bytes, what: str) -> bytes:
    data = decode(value)
    if not data.startswith(header) or len(data) != len(header) + 32:
        raise MultibaseError(f"not an Ed25519 {what} key in Multikey form")
    return data[len(header) :]


def public_key_bytes(value: str) -> bytes:
    return _key(value, ED25519_PUBLIC, "public")


def secret_key_bytes(value: str) -> bytes:
    return _key(value, ED25519_SECRET, "secret")
