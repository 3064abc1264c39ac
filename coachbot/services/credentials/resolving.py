"""Finding the public key a proof names (its verification method).

Three places, in order: a key of one of our districts (the method is under our own issuer
URL: read from the database, never fetched); a ``did:key`` (the key is in the name itself);
and, only when verifying online, the method's URL fetched as JSON (another issuer's profile
with its Multikey keys). A key found nowhere is refused with the reason.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from coachbot.services.credentials import multibase
from coachbot.services.credentials.addresses import ISSUERS, Addresses
from coachbot.storage.database import Database
from coachbot.storage.models import District, IssuerKey

MAX_DOCUMENT = 1024 * 1024


class KeyUnknown(Exception):
    """``reason`` is a word the verdict's template knows; ``params`` fill it in."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class FoundKey:
    key: Ed25519PublicKey
    controller: str  # who the key belongs to: the issuer it must match
    ours: bool  # one of our districts' keys
    retired: bool = False
    district_id: int | None = None


def unreachable(error: Exception) -> bool:
    """Whether fetching failed because the site could not be reached right now (refused, timed
    out, a server error): a reason to try again later, never a sign of a fake credential. A
    page that answers "not found", or answers with something that is not JSON, was reached."""
    if isinstance(error, urllib.error.HTTPError):
        return error.code >= 500
    return isinstance(error, OSError)


def fetch_json(url: str, timeout: float = 10.0) -> Any:
    """GET ``url`` as JSON (http or https only, at most 1 MB); raises ``OSError``/``ValueError``."""
    if not url.startswith(("https://", "http://")):
        raise ValueError("only http and https addresses are fetched")
    request = urllib.request.Request(
        url, headers={"Accept": "application/ld+json, application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read(MAX_DOCUMENT + 1)
    if len(body) > MAX_DOCUMENT:
        raise ValueError("the document is larger than 1 MB")
    return json.loads(body)


class KeyResolver:
    def __init__(self, db: Database, addresses: Addresses, *, online: bool = False) -> None:
        self.db = db
        self.addresses = addresses
        self.online = online

    async def resolve(self, method: str) -> FoundKey:
        base, _, fragment = method.partition("#")
        prefix = self.addresses.base + ISSUERS
        if base.startswith(prefix) and "/" not in base[len(prefix) :]:
            return await self._ours(base, base[len(prefix) :], fragment)
        if method.startswith("did:key:"):
            return self._did_key(base, fragment)
        if not self.online:
            raise KeyUnknown("key_not_ours_offline", method=method)
        return await self._fetched(method, base)

    async def _ours(self, issuer: str, slug: str, key_id: str) -> FoundKey:
        async with self.db.read() as session:
            row = (
                await session.execute(
                    select(IssuerKey)
                    .join(District, District.id == IssuerKey.district_id)
                    .where(District.slug == slug, IssuerKey.key_id == key_id)
                )
            ).scalar_one_or_none()
        if row is None:
            if self.online and not await self._has_district(slug):
                # Not one of ours after all: another CoachBot at the same address (the
                # verifier with no database of their own runs with the default one).
                return await self._fetched(f"{issuer}#{key_id}", issuer)
            raise KeyUnknown("key_unknown_here", method=f"{issuer}#{key_id}")
        return FoundKey(
            Ed25519PublicKey.from_public_bytes(multibase.public_key_bytes(row.public_multibase)),
            issuer,
            ours=True,
            retired=row.retired_at is not None,
            district_id=row.district_id,
        )

    async def _has_district(self, slug: str) -> bool:
        async with self.db.read() as session:
            found = await session.scalar(select(District.id).where(District.slug == slug))
        return found is not None

    @staticmethod
    def _did_key(did: str, fragment: str) -> FoundKey:
        encoded = did[len("did:key:") :]
        if fragment and fragment != encoded:
            raise KeyUnknown("key_malformed", method=f"{did}#{fragment}")
        try:
            raw = multibase.public_key_bytes(encoded)
        except multibase.MultibaseError as error:
            raise KeyUnknown("key_malformed", method=did) from error
        return FoundKey(Ed25519PublicKey.from_public_bytes(raw), did, ours=False)

    async def _fetched(self, method: str, base: str) -> FoundKey:
        try:
            document = await asyncio.to_thread(fetch_json, base)
        except (OSError, ValueError) as error:
            if unreachable(error):  # the words say so plainly; the raw error is for no one
                raise KeyUnknown("key_unreachable", method=method, site=base) from error
            raise KeyUnknown("key_not_published", method=method) from error
        for entry in _methods(document):
            if entry.get("id") == method and entry.get("type") == "Multikey":
                try:
                    raw = multibase.public_key_bytes(str(entry.get("publicKeyMultibase")))
                except multibase.MultibaseError as error:
                    raise KeyUnknown("key_malformed", method=method) from error
                controller = str(entry.get("controller") or base)
                return FoundKey(Ed25519PublicKey.from_public_bytes(raw), controller, ours=False)
        raise KeyUnknown("key_not_published", method=method)


def _methods(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    found = document.get("verificationMethod") or []
    if isinstance(found, dict):
        found = [found]
    return [entry for entry in found if isinstance(entry, dict)]
