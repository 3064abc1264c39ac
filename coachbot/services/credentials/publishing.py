"""What the credential listener publishes, and the admin's key rotation.

Published: a district's issuer profile with every key it ever signed with (Multikey; the
retired ones too, or what they signed would stop verifying), each credential's JSON as signed,
and what the human page shows. Never the teacher's email (the credential holds only its salted
hash) and never any evidence: the page is built from the signed credential alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from coachbot.clock import Clock
from coachbot.domain import credentials as ob
from coachbot.domain import status_list
from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Actor
from coachbot.services.credentials import baking, proof
from coachbot.services.credentials.addresses import Addresses
from coachbot.services.credentials.issuing import CredentialIssuer
from coachbot.services.credentials.keys import IssuerKeys
from coachbot.services.credentials.resolving import KeyResolver
from coachbot.services.credentials.revocable import revocable_of
from coachbot.services.credentials.revoking import Revocable, Revocations
from coachbot.services.credentials.showing import IssuerPages
from coachbot.services.credentials.verifying import CredentialVerifier, district_zone
from coachbot.storage.database import Database
from coachbot.storage.models import Award, District, IssuedCredential

MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


@dataclass(frozen=True)
class HeldCredential:
    """One of a teacher's own credentials, as ``credentials`` lists them."""

    name: str
    issued_at: datetime
    url: str
    valid_until: datetime | None
    revoked_at: datetime | None
    revoked_reason: str | None
    json_url: str = ""  # the credential as a file, for a wallet
    badge_url: str = ""  # the badge image with the credential baked in
    issuer_name: str = ""


@dataclass(frozen=True)
class CredentialPage:
    """What a principal sees on the credential's page."""

    name: str
    description: str
    criteria: str
    issuer_name: str
    issuer_url: str
    issued_at: datetime
    valid_until: datetime | None
    expired: bool
    revoked_at: datetime | None
    revoked_reason: str | None
    json_url: str
    badge_url: str = ""  # the badge image, shown on the page (same origin)
    achievement_url: str = ""  # the Achievement's own page
    # The issuing district's zone: every date on the page is its day there, the zone named
    # (a trial read UTC days on a Chicago district's page).
    timezone: str = "UTC"


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Credentials:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        issuer: CredentialIssuer,
        keys: IssuerKeys,
        addresses: Addresses,
        revocations: Revocations,
    ) -> None:
        self.db = db
        self.clock = clock
        self.issuer = issuer
        self.keys = keys
        self.addresses = addresses
        self.revocations = revocations
        self.pages = IssuerPages(db, issuer, addresses)  # the issuer's pages for people

    def verifier(self, *, online: bool = False) -> CredentialVerifier:
        return CredentialVerifier(
            self.db, self.clock, KeyResolver(self.db, self.addresses, online=online)
        )

    async def rotate(self, slug: str) -> tuple[str, str]:
        """A new signing key for the district: (its id, the district's name)."""
        async with self.db.write() as session:
            district = await session.scalar(select(District).where(District.slug == slug))
            if district is None:
                raise NotFound(what="district", key=slug)
            row = await self.keys.rotate(session, district.id)
            return row.key_id, district.name

    async def revoke(
        self, public_id: str, reason: str, *, by: Actor | None = None
    ) -> IssuedCredential:
        """Withdraw a credential: its bit is set in the district's revocation list, its page
        says revoked, the teacher is told, the audit trail keeps who and why, and the award's
        credit is reversed. Revoking twice keeps the first date and reason."""
        row, _, _ = await self.revocations.revoke(public_id, reason, by=by)
        return row

    async def revoke_telling(
        self, public_id: str, reason: str, *, by: Actor | None = None
    ) -> tuple[IssuedCredential, object]:
        """``revoke``, with what the reversal returned: what it undid, for the admin's reply."""
        row, _, undid = await self.revocations.revoke(public_id, reason, by=by)
        return row, undid

    async def revocable_of(self, by: Actor, who: str) -> tuple[str, str, list[Revocable]]:
        """A teacher of ``by``'s district (email or full name), her email and credentials not
        revoked, for an admin with no link (``NotFound`` for anyone else)."""
        return await revocable_of(self.db, by, who)

    async def about(self, by: Actor, public_id: str) -> Revocable:
        """What an admin confirms before revoking (``NotFound`` outside their district)."""
        return await self.revocations.about(by, public_id)

    async def status_list(self, slug: str) -> dict[str, Any]:
        """The district's signed revocation list, as of now (``NotFound`` for an unknown
        district). Signed afresh on each request: it changes whenever a credential is revoked."""
        async with self.db.write() as session:
            district = await session.scalar(select(District).where(District.slug == slug))
            if district is None:
                raise NotFound(what="issuer", key=slug)
            revoked = await session.scalars(
                select(IssuedCredential.status_index).where(
                    IssuedCredential.district_id == district.id,
                    IssuedCredential.revoked_at.is_not(None),
                )
            )
            key = await self.keys.signing_key(session, district.id)
        now = self.clock.now()
        here = self.addresses.status_list(slug)
        document = ob.status_list_credential(
            here, self.addresses.issuer(slug), status_list.encode(revoked), now
        )
        return proof.sign(document, key.secret, self.addresses.key(slug, key.key_id), ob.when(now))

    async def issuer_profile(self, slug: str) -> dict[str, Any]:
        """The district's Profile with its keys; ``NotFound`` for an unknown slug."""
        async with self.db.read() as session:
            district = await session.scalar(select(District).where(District.slug == slug))
            if district is None:
                raise NotFound(what="issuer", key=slug)
            keys = await IssuerKeys.all_keys(session, district.id)
        here = self.addresses.issuer(slug)
        profile = ob.profile(self.issuer.issuer_of(district))
        methods = [
            {
                "id": self.addresses.key(slug, key.key_id),
                "type": "Multikey",
                "controller": here,
                "publicKeyMultibase": key.public_multibase,
            }
            for key in keys
        ]
        return {
            "@context": [*ob.CONTEXT, MULTIKEY_CONTEXT],
            **profile,
            "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods],
        }

    async def _row(self, public_id: str) -> IssuedCredential:
        async with self.db.read() as session:
            row = await session.scalar(
                select(IssuedCredential).where(IssuedCredential.public_id == public_id)
            )
        if row is None:
            raise NotFound(what="credential", key=public_id)
        return row

    async def document(self, public_id: str) -> dict[str, Any]:
        """The credential's JSON exactly as signed."""
        return dict((await self._row(public_id)).document)

    async def held_by(self, actor: Actor) -> list[HeldCredential]:
        """The credentials ``actor`` earned, oldest first: only their own."""
        async with self.db.read() as session:
            rows = await session.scalars(
                select(IssuedCredential)
                .join(Award, Award.id == IssuedCredential.award_id)
                .where(Award.teacher_id == actor.person_id)
                .order_by(IssuedCredential.id)
            )
            return [
                HeldCredential(
                    name=str(row.document.get("name")),
                    issued_at=row.issued_at,
                    url=str(row.document.get("id")),
                    valid_until=_moment(row.document.get("validUntil")),
                    revoked_at=row.revoked_at,
                    revoked_reason=row.revoked_reason,
                    json_url=self.addresses.credential(row.public_id) + ".json",
                    badge_url=self.addresses.badge(row.public_id),
                    issuer_name=str((row.document.get("issuer") or {}).get("name") or ""),
                )
                for row in rows
            ]

    async def badge(self, public_id: str) -> bytes:
        """The badge PNG with the credential baked in (``NotFound`` for an unknown id)."""
        return baking.bake(dict((await self._row(public_id)).document))

    async def issued(self) -> list[dict[str, Any]]:
        """Every credential issued, oldest first, as signed."""
        async with self.db.read() as session:
            rows = await session.scalars(select(IssuedCredential).order_by(IssuedCredential.id))
            return [dict(row.document) for row in rows]

    async def page(self, public_id: str) -> CredentialPage:
        row = await self._row(public_id)
        document = row.document
        achievement = document["credentialSubject"]["achievement"]
        issuer = document["issuer"]
        until = _moment(document.get("validUntil"))
        return CredentialPage(
            name=str(document.get("name") or achievement.get("name")),
            description=str(achievement.get("description") or ""),
            criteria=str((achievement.get("criteria") or {}).get("narrative") or ""),
            issuer_name=str(issuer.get("name") or ""),
            issuer_url=str(issuer.get("id") or ""),
            issued_at=row.issued_at,
            valid_until=until,
            expired=until is not None and until <= self.clock.now(),
            revoked_at=row.revoked_at,
            revoked_reason=row.revoked_reason,
            json_url=self.addresses.credential(public_id) + ".json",
            badge_url=f"/credentials/{public_id}/badge.png",
            achievement_url=str(achievement.get("id") or ""),
            timezone=await self._zone(row.district_id),
        )

    async def _zone(self, district_id: int) -> str:
        async with self.db.read() as session:
            return await district_zone(session, district_id)
