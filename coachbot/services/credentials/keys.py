"""The districts' signing keys: made when first needed, sealed at rest, rotated on demand.

Each district signs with its own Ed25519 key. The secret half is sealed with AES-256-GCM
under a key derived (HKDF-SHA256) from ``COACHBOT_CREDENTIAL_KEY_SECRET``, or, when that is
unset, from the evidence link secret (``COACHBOT_LINK_SECRET`` or the folder's
``.link-secret``): the database alone, a backup of it included, never holds a usable key.
The district and key id are the seal's associated data, so a sealed secret copied to another
row does not open. Rotating retires the signing key without deleting it: its public half stays
in the issuer profile, so everything it signed keeps verifying. Nothing here logs a key.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.services.credentials import multibase
from coachbot.storage.models import District, IssuerKey

SecretSource = bytes | Callable[[], bytes]


class KeySealer:
    """Seals and opens secret keys; the secret is read once, when first needed."""

    def __init__(self, secret: SecretSource) -> None:
        self._source = secret
        self._aead: AESGCM | None = None

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            secret = self._source() if callable(self._source) else self._source
            if not secret:
                raise ValueError("no secret to seal credential keys with")
            derived = HKDF(
                algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"coachbot issuer keys v1",
            ).derive(secret)  # fmt: skip
            self._aead = AESGCM(derived)
        return self._aead

    def seal(self, raw: bytes, label: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._cipher().encrypt(nonce, raw, label.encode())

    def open(self, sealed: bytes, label: str) -> bytes:
        return self._cipher().decrypt(sealed[:12], sealed[12:], label.encode())


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    secret: Ed25519PrivateKey

    def __repr__(self) -> str:  # never print a secret, whatever logs the object
        return f"SigningKey({self.key_id})"


def _label(district_id: int, key_id: str) -> str:
    return f"district:{district_id}/{key_id}"


def public_key(row: IssuerKey) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(multibase.public_key_bytes(row.public_multibase))


class IssuerKeys:
    def __init__(self, sealer: KeySealer, clock: Clock) -> None:
        self.sealer = sealer
        self.clock = clock

    async def signing_key(self, session: AsyncSession, district_id: int) -> SigningKey:
        """The district's current key, made on first use (the district row is locked, so two
        first awards at once make one key)."""
        await session.execute(
            select(District.id).where(District.id == district_id).with_for_update()
        )
        row = await session.scalar(
            select(IssuerKey)
            .where(IssuerKey.district_id == district_id, IssuerKey.retired_at.is_(None))
            .order_by(IssuerKey.id.desc())
            .limit(1)
        )
        if row is None:
            row = await self._make(session, district_id)
        raw = self.sealer.open(row.sealed_secret, _label(district_id, row.key_id))
        return SigningKey(row.key_id, Ed25519PrivateKey.from_private_bytes(raw))

    async def rotate(self, session: AsyncSession, district_id: int) -> IssuerKey:
        """Retire the current key (it still verifies) and make a new one that signs."""
        await session.execute(
            select(District.id).where(District.id == district_id).with_for_update()
        )
        now = self.clock.now()
        for row in await session.scalars(
            select(IssuerKey).where(
                IssuerKey.district_id == district_id, IssuerKey.retired_at.is_(None)
            )
        ):
            row.retired_at = now
        return await self._make(session, district_id)

    async def _make(self, session: AsyncSession, district_id: int) -> IssuerKey:
        count = await session.scalar(
            select(func.count()).select_from(IssuerKey).where(IssuerKey.district_id == district_id)
        )
        key_id = f"key-{(count or 0) + 1}"
        secret = Ed25519PrivateKey.generate()
        raw = secret.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        public = secret.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        row = IssuerKey(
            district_id=district_id,
            key_id=key_id,
            public_multibase=multibase.public_multikey(public),
            sealed_secret=self.sealer.seal(raw, _label(district_id, key_id)),
            created_at=self.clock.now(),
            retired_at=None,
        )
        session.add(row)
        await session.flush()
        return row

    @staticmethod
    async def all_keys(session: AsyncSession, district_id: int) -> list[IssuerKey]:
        """Every key the district ever signed with, oldest first (all of them verify)."""
        return list(
            await session.scalars(
                select(IssuerKey).where(IssuerKey.district_id == district_id).order_by(IssuerKey.id)
            )
        )
