"""Every award becomes a signed Open Badges 3.0 credential that verifies: in 1EdTech's schema,
with no email in it, stable once made; a changed value, a key we never had or another
issuer's key are refused, each with its reason; a rotated key still verifies what it signed."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft201909Validator
from sqlalchemy import select, update

from coachbot.composition import Services
from coachbot.domain.credentials import identity_hash
from coachbot.services.credentials import proof
from coachbot.services.credentials.keys import public_key
from coachbot.services.credentials.loader import achievement_schema
from coachbot.storage.models import CredentialRow, IssuedCredential, IssuerKey
from tests.helpers import ANA, BEN, earn

SCHEMA = Draft201909Validator(achievement_schema())


async def issued(services: Services) -> list[IssuedCredential]:
    async with services.db.read() as session:
        return list(await session.scalars(select(IssuedCredential).order_by(IssuedCredential.id)))


async def test_an_award_issues_a_signed_open_badge_that_verifies(district: Services) -> None:
    await earn(district, ANA)
    (row,) = await issued(district)
    document = row.document
    assert list(SCHEMA.iter_errors(document)) == []
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert document["issuer"]["type"] == ["Profile"]
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["criteria"]["narrative"]
    assert "in-service hours" in achievement["resultDescription"][0]["name"]
    assert "validUntil" not in document  # the catalog gives no expiry for C-ONE
    # The teacher only as a salted hash: whoever knows the email can check it, nobody reads it.
    (identity,) = document["credentialSubject"]["identifier"]
    assert identity["identityHash"] == identity_hash(ANA, identity["salt"])
    assert ANA not in json.dumps(document)
    verdict = await district.credentials.verifier().verify(document)
    assert verdict.valid, verdict.checks
    assert all(check.ok for check in verdict.checks)
    assert verdict.check("status").reason == "not_revoked"


async def test_the_credential_is_kept_as_signed(district: Services) -> None:
    await earn(district, ANA)
    (row,) = await issued(district)
    async with district.db.write() as session:
        await session.execute(update(CredentialRow).values(title="Renamed in the catalog"))
    assert (await district.credentials.document(row.public_id)) == row.document
    award = await _award(district, row.award_id)
    async with district.db.write() as session:  # issuing again hands back the same one
        again = await district.credentials.issuer.issue(session, award)
    assert again.document == row.document


async def _award(services: Services, award_id: int) -> Any:
    from coachbot.storage.models import Award

    async with services.db.read() as session:
        return await session.get(Award, award_id)


async def test_changing_any_value_of_an_issued_credential_fails(district: Services) -> None:
    await earn(district, ANA)
    (row,) = await issued(district)
    async with district.db.read() as session:
        key = public_key((await session.scalars(select(IssuerKey))).one())
    signed = row.document
    proof.check(signed, key)

    def leaves(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if isinstance(node, dict):
            return [p for k, v in node.items() if k not in ("proof", "@context")
                    for p in leaves(v, (*here, k))]  # fmt: skip
        if isinstance(node, list):
            return [p for i, v in enumerate(node) for p in leaves(v, (*here, i))]
        return [here]

    @settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sampled_from(leaves(signed)), st.sampled_from(["x", " ", "0"]))
    def tampered(path: tuple[Any, ...], extra: str) -> None:
        document = copy.deepcopy(signed)
        node = document
        for step in path[:-1]:
            node = node[step]
        value = node[path[-1]]
        node[path[-1]] = (
            (not value) if isinstance(value, bool)
            else value + 1 if isinstance(value, int | float)
            else f"{value}{extra}"
        )  # fmt: skip
        with pytest.raises(proof.ProofError):
            proof.check(document, key)

    tampered()


async def test_a_rotated_key_still_verifies_what_it_signed(district: Services) -> None:
    await earn(district, ANA)
    key_id, _ = await district.credentials.rotate("testville")
    assert key_id == "key-2"
    await earn(district, BEN)
    first, second = await issued(district)
    assert first.key_id == "key-1" and second.key_id == "key-2"
    old = await district.credentials.verifier().verify(first.document)
    new = await district.credentials.verifier().verify(second.document)
    assert old.valid and new.valid
    assert old.check("key").reason == "key_retired"
    assert new.check("key").reason == "key_found"
    profile = await district.credentials.issuer_profile("testville")
    assert [m["id"].rsplit("#", 1)[1] for m in profile["verificationMethod"]] == [
        "key-1",
        "key-2",
    ]


async def test_a_key_we_never_had_is_refused_with_the_reason(district: Services) -> None:
    await earn(district, ANA)
    (row,) = await issued(district)
    stranger = Ed25519PrivateKey.generate()
    ours = row.document["proof"][0]["verificationMethod"]
    forged = proof.sign(row.document, stranger, ours.replace("#key-1", "#key-9"), "2026-09-08")
    verdict = await district.credentials.verifier().verify(forged)
    assert not verdict.valid
    assert verdict.check("key").reason == "key_unknown_here"
    # Another issuer's credential, with a key we do not know and do not fetch unless asked.
    elsewhere = copy.deepcopy(row.document)
    elsewhere["issuer"]["id"] = "https://badges.other-district.example/issuers/x"
    method = "https://badges.other-district.example/issuers/x#key-1"
    verdict = await district.credentials.verifier().verify(
        proof.sign(elsewhere, stranger, method, "2026-09-08T00:00:00Z")
    )
    assert not verdict.valid
    assert verdict.check("key").reason == "key_not_ours_offline"
    assert verdict.check("proof").ok is None  # not checked without a key, and said so


async def test_our_key_on_another_issuers_credential_is_refused(district: Services) -> None:
    await earn(district, ANA)
    (row,) = await issued(district)
    claimed = copy.deepcopy(row.document)
    claimed["issuer"]["id"] = "https://badges.other-district.example/issuers/x"
    verdict = await district.credentials.verifier().verify(claimed)
    assert not verdict.valid
    assert verdict.check("issuer").reason == "issuer_not_key_owner"
    assert verdict.check("proof").ok is False


async def test_an_expiring_credential_says_until_when_then_expires(district: Services) -> None:
    async with district.db.write() as session:
        await session.execute(update(CredentialRow).values(valid_months=24))
    await earn(district, ANA)
    (row,) = await issued(district)
    assert row.document["validUntil"][:4] == str(row.issued_at.year + 2)
    assert list(SCHEMA.iter_errors(row.document)) == []
    verdict = await district.credentials.verifier().verify(row.document)
    assert verdict.valid and verdict.check("dates").reason == "valid_until"
    district.clock.advance(timedelta(days=2 * 366))
    verdict = await district.credentials.verifier().verify(row.document)
    assert not verdict.valid and verdict.check("dates").reason == "expired"
