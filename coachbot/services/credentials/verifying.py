"""Verifying a credential the way a principal in another district would: proof, issuer, key,
status, dates and schema, each checked on its own and reported, then one verdict.

Each check says ``ok`` (True, False, or None for "could not be checked") with a ``reason`` word;
the words people read are in prompts/en/credentials.j2.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from jsonschema import Draft201909Validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain import status_list
from coachbot.domain.status_list import StatusListError
from coachbot.services.credentials import proof
from coachbot.services.credentials.loader import achievement_schema
from coachbot.services.credentials.resolving import (
    FoundKey,
    KeyResolver,
    KeyUnknown,
    fetch_json,
    unreachable,
)
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import District, IssuedCredential

ASPECTS = ("proof", "issuer", "key", "status", "dates", "schema")
# The issuer's site could not be reached: not checked now, which is not "fake".
UNREACHED = ("key_unreachable", "status_list_unreachable")


@dataclass(frozen=True)
class Check:
    aspect: str
    ok: bool | None
    reason: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    checks: tuple[Check, ...]
    name: str | None
    issuer_name: str | None
    # The issuing district's time zone when it is one of ours: every day in the answer (valid
    # from, until, revoked) is shown in it, named (a trial read UTC and local days side by side).
    timezone: str | None = None

    @property
    def valid(self) -> bool:
        return not self.unreached and all(c.ok is not False for c in self.checks)

    @property
    def unreached(self) -> bool:
        """The issuer's site could not be reached, so the verdict must wait: try again."""
        return any(c.reason in UNREACHED for c in self.checks)

    @property
    def revoked(self) -> bool:
        return any(
            c.aspect == "status" and c.reason in ("revoked", "revoked_listed") for c in self.checks
        )

    def check(self, aspect: str) -> Check:
        return next(c for c in self.checks if c.aspect == aspect)


async def district_zone(session: AsyncSession, district_id: int) -> str:
    """The district's time zone, as its policy says (UTC for a district not found)."""
    district = await session.get(District, district_id)
    return policy_from_json(district.policy).timezone if district is not None else "UTC"


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _issuer_name(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    name = issuer.get("name") if isinstance(issuer, dict) else None
    return name if isinstance(name, str) else None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def check_dates(document: dict[str, Any], now: datetime) -> Check:
    start, end = _moment(document.get("validFrom")), document.get("validUntil")
    if start is None:
        return Check("dates", False, "no_valid_from")
    if start > now:
        return Check("dates", False, "not_yet", {"start": start})
    if end is None:
        return Check("dates", True, "valid_since", {"start": start})
    until = _moment(end)
    if until is None:
        return Check("dates", False, "bad_valid_until")
    if until <= now:
        return Check("dates", False, "expired", {"start": start, "until": until})
    return Check("dates", True, "valid_until", {"start": start, "until": until})


@cache
def _schema_validator() -> Draft201909Validator:
    return Draft201909Validator(achievement_schema())


def check_schema(document: dict[str, Any]) -> Check:
    validator = _schema_validator()
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return Check("schema", True, "schema_ok")
    first = errors[0]
    where = "/".join(str(p) for p in first.absolute_path) or "the top level"
    return Check(
        "schema", False, "schema_broken",
        {"where": where, "what": first.message[:200], "count": len(errors)},
    )  # fmt: skip


class CredentialVerifier:
    def __init__(self, db: Database, clock: Clock, keys: KeyResolver) -> None:
        self.db = db
        self.clock = clock
        self.keys = keys

    async def verify(self, document: dict[str, Any]) -> Verdict:
        checks: dict[str, Check] = {}
        found: FoundKey | None = None
        try:
            _, options = proof.read_proof(document)
        except proof.ProofError as error:
            checks["proof"] = Check("proof", False, "proof_unreadable", {"why": str(error)})
            checks["key"] = Check("key", None, "key_not_checked")
        else:
            try:
                found = await self.keys.resolve(options.verification_method)
            except KeyUnknown as unknown:
                ok = None if unknown.reason in UNREACHED else False
                checks["key"] = Check("key", ok, unknown.reason, unknown.params)
                checks["proof"] = Check("proof", None, "proof_no_key")
            else:
                checks["key"] = Check(
                    "key", True, "key_retired" if found.retired else "key_found",
                    {"method": options.verification_method, "ours": found.ours},
                )  # fmt: skip
        # The CPU-bound checks (canonicalising, Ed25519, the schema) in one trip to a thread:
        # the event loop keeps serving meanwhile.
        checks["proof"], checks["schema"] = await asyncio.to_thread(
            self._cpu_checks, document, found, checks.get("proof")
        )
        checks["issuer"] = self._issuer(document, found)
        checks["status"] = await self._status(document, found)
        checks["dates"] = check_dates(document, self.clock.now())
        name = document.get("name")
        zone = None
        if found is not None and found.ours and found.district_id is not None:
            async with self.db.read() as session:
                zone = await district_zone(session, found.district_id)
        return Verdict(
            tuple(checks[a] for a in ASPECTS),
            name if isinstance(name, str) else None,
            _issuer_name(document),
            zone,
        )

    @staticmethod
    def _cpu_checks(
        document: dict[str, Any], found: FoundKey | None, known: Check | None
    ) -> tuple[Check, Check]:
        """The proof (unless already decided: unreadable, or no key) and the schema."""
        if known is None and found is not None:
            try:
                proof.check(document, found.key)
            except proof.ProofError as error:
                known = Check("proof", False, "proof_failed", {"why": str(error)})
            else:
                known = Check("proof", True, "proof_ok")
        assert known is not None
        return known, check_schema(document)

    @staticmethod
    def _issuer(document: dict[str, Any], found: FoundKey | None) -> Check:
        issuer = _issuer_id(document)
        if issuer is None:
            return Check("issuer", False, "no_issuer")
        if found is None:
            return Check("issuer", None, "issuer_not_checked", {"issuer": issuer})
        if found.controller != issuer:
            return Check(
                "issuer", False, "issuer_not_key_owner",
                {"issuer": issuer, "owner": found.controller},
            )  # fmt: skip
        return Check(
            "issuer", True, "issuer_ours" if found.ours else "issuer_elsewhere",
            {"issuer": issuer, "name": _issuer_name(document)},
        )  # fmt: skip

    async def _status(self, document: dict[str, Any], found: FoundKey | None) -> Check:
        if found is not None and found.ours:
            prefix = self.keys.addresses.credential("")
            public_id = str(document.get("id") or "")
            public_id = public_id[len(prefix) :] if public_id.startswith(prefix) else ""
            async with self.db.read() as session:
                row = await session.scalar(
                    select(IssuedCredential).where(
                        IssuedCredential.district_id == found.district_id,
                        IssuedCredential.public_id == public_id,
                    )
                )
                # The issuing district's day, its zone named where the reader has another:
                # at 9 PM in Chicago it is already tomorrow in UTC.
                zone = await district_zone(session, row.district_id) if row else "UTC"
            if row is None:
                return Check("status", False, "not_issued_here")
            if row.revoked_at is not None:
                return Check(
                    "status", False, "revoked",
                    {"when": row.revoked_at, "why": row.revoked_reason or "", "tz": zone},
                )  # fmt: skip
            return Check("status", True, "not_revoked")
        entry = document.get("credentialStatus")
        entry = entry[0] if isinstance(entry, list) and len(entry) == 1 else entry
        if not entry:
            return Check("status", None, "no_status")
        if not (
            isinstance(entry, dict)
            and entry.get("type") == "BitstringStatusListEntry"
            and entry.get("statusPurpose") == "revocation"
        ):
            return Check("status", None, "status_kind_unknown")
        if not self.keys.online:
            return Check("status", None, "status_list_offline")
        try:
            revoked = await self._listed(entry, _issuer_id(document))
        except (KeyUnknown, proof.ProofError, StatusListError, OSError, ValueError) as error:
            if (isinstance(error, KeyUnknown) and error.reason in UNREACHED) or (
                not isinstance(error, KeyUnknown) and unreachable(error)
            ):
                return Check("status", None, "status_list_unreachable")
            why = error.reason if isinstance(error, KeyUnknown) else str(error)[:200]
            return Check("status", False, "status_list_unreadable", {"why": why})
        return (
            Check("status", False, "revoked_listed")
            if revoked
            else Check("status", True, "not_revoked_listed")
        )

    async def _listed(self, entry: dict[str, Any], issuer: str | None) -> bool:
        """Whether the issuer's signed list has the credential's bit set."""
        listed = await asyncio.to_thread(fetch_json, str(entry.get("statusListCredential")))
        if not isinstance(listed, dict):
            raise StatusListError("the revocation list is not a credential")
        _, options = proof.read_proof(listed)
        found = await self.keys.resolve(options.verification_method)
        if found.controller != issuer or _issuer_id(listed) != issuer:
            raise StatusListError("the revocation list is not signed by the credential's issuer")
        await asyncio.to_thread(proof.check, listed, found.key)
        subject = listed.get("credentialSubject") or {}
        bits = status_list.decode(str(subject.get("encodedList") or ""))
        return status_list.is_set(bits, int(str(entry.get("statusListIndex"))))
