"""Credentials earned elsewhere, in chat: a teacher hands one in (the JSON file, or a badge
image with it baked in), it is verified (each check in words), the district's policy says what
it counts as, an admin confirms, and it is recorded as recognised: never as an award, yet it
satisfies a pathway's prerequisite. A credential whose issuer key is unknown is refused with
the reason."""

from __future__ import annotations

import json
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.conversation.handlers.recognising import DECLINE, RECOGNISE
from coachbot.domain.recognition import RecognitionRule
from coachbot.services.credentials import multibase, proof
from coachbot.services.credentials.baking import bake
from coachbot.storage.codec import policy_from_json, policy_to_json
from coachbot.storage.models import (
    Award,
    Completion,
    District,
    IssuedCredential,
    PathwayRow,
    Recognition,
)
from tests.helpers import ANA, BEN, CARA, DEE, GIL, credential_link, earn

ELSEWHERE = Ed25519PrivateKey.generate()
DID = "did:key:" + multibase.public_multikey(
    ELSEWHERE.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
)
ISSUER = {"id": DID, "type": ["Profile"], "name": "Elsewhere Academy"}


async def _template(district: Services) -> dict[str, Any]:
    """A real credential's shape (Cara's, issued here), to dress as another issuer's."""
    await earn(district, CARA, reviewer=GIL)
    async with district.db.read() as session:
        row = (await session.scalars(select(IssuedCredential))).one()
    return dict(row.document)


def _outside(template: dict[str, Any], name: str, *, method: str | None = None) -> bytes:
    """An OB 3.0 credential signed by Elsewhere Academy (a did:key issuer), as a file."""
    document = json.loads(json.dumps(template))
    for part in ("proof", "credentialStatus"):
        document.pop(part, None)
    document["id"] = f"urn:uuid:{uuid.uuid4()}"
    document["name"] = name
    document["issuer"] = dict(ISSUER)
    if method is not None:  # another issuer, on a website, whose key we do not know
        document["issuer"]["id"] = method.split("#", 1)[0]
    achievement = document["credentialSubject"]["achievement"]
    achievement["id"] = f"https://elsewhere.example/achievements/{name.lower().replace(' ', '-')}"
    achievement["name"] = name
    signed = proof.sign(document, ELSEWHERE, method or f"{DID}#{DID[8:]}", "2026-09-01T00:00:00Z")
    signed["proof"] = [signed["proof"]]  # as OB 3.0 issuers write it: a list of proofs
    return json.dumps(signed).encode()


async def _policy_recognises(district: Services, *rules: RecognitionRule) -> None:
    async with district.db.write() as session:
        row = (await session.scalars(select(District))).one()
        policy = policy_from_json(row.policy)
        row.policy = policy_to_json(policy.__class__(**{**policy.__dict__, "recognitions": rules}))


async def _pathways(district: Services, email_person: int) -> set[str]:
    async with district.db.read() as session:
        rows = await session.scalars(
            select(PathwayRow.code)
            .join(Completion, Completion.subject_id == PathwayRow.id)
            .where(Completion.teacher_id == email_person, Completion.kind == "pathway")
        )
        return set(rows)


async def test_recognised_elsewhere_counts_toward_a_pathway_prerequisite(
    district: Services,
) -> None:
    template = await _template(district)
    await _policy_recognises(
        district,
        RecognitionRule(DID, "Questioning Elsewhere", "C-ONE"),
        RecognitionRule(DID, "Discourse Moves Elsewhere", "C-TWO"),
    )
    room = LocalDriver(district)
    ana = room.as_(ANA)

    # The area first (C-TWO): the pathway waits for its prerequisite, C-ONE.
    said = await ana.send_file(
        "moves.json", _outside(template, "Discourse Moves Elsewhere"), "application/json",
        text="recognize",
    )  # fmt: skip
    assert "*Discourse Moves Elsewhere* from Elsewhere Academy verifies" in said
    assert "no hours, points or stipend" in said
    assert "asks to have *Discourse Moves Elsewhere*" in room.as_(DEE).last
    said = await room.as_(DEE).press(RECOGNISE.id)
    assert "Recognised: Ana Teacher's *Discourse Moves Elsewhere*" in said
    assert "is recognised: it now counts as" in ana.last
    async with district.db.read() as session:
        ana_id = (await session.scalars(select(Recognition.teacher_id))).one()
    assert await _pathways(district, ana_id) == set()

    # Then the prerequisite, handed in as a badge image with the credential baked in.
    png = bake(json.loads(_outside(template, "Questioning Elsewhere")))
    said = await ana.send_file("badge.png", png, "image/png", text="recognise")
    assert "*Questioning Elsewhere* from Elsewhere Academy verifies" in said
    await room.as_(DEE).press(RECOGNISE.id)
    assert await _pathways(district, ana_id) == {"P-ENDORSE"}
    # Recorded as recognised, never as earned here: no award, no credit.
    async with district.db.read() as session:
        assert (await session.scalars(select(Award).where(Award.teacher_id == ana_id))).all() == []
        statuses = set(await session.scalars(select(Recognition.status)))
    assert statuses == {"recognised"}
    assert (await district.status.teacher(ANA)).hours == 0
    # Asking again for the same local credential asks nothing new.
    again = await ana.send_file("badge.png", png, "image/png", text="recognize")
    assert "You already asked for that one" in again


async def test_an_unknown_issuer_key_is_refused_with_the_reason(district: Services) -> None:
    template = await _template(district)
    await _policy_recognises(district, RecognitionRule(DID, "Questioning Elsewhere", "C-ONE"))
    room = LocalDriver(district)
    stranger = _outside(
        template, "Questioning Elsewhere", method="https://unknown.example/issuers/x#key-1"
    )
    said = await room.as_(BEN).send_file("other.json", stranger, "application/json", "verify")
    assert "refused: the key https://unknown.example/issuers/x#key-1 belongs to an issuer" in said
    assert "*Not valid.*" in said
    said = await room.as_(BEN).send_file("other.json", stranger, "application/json", "recognize")
    assert "can't be recognised" in said
    async with district.db.read() as session:
        assert (await session.scalars(select(Recognition))).all() == []
    # A changed value breaks the signature, in words.
    forged = json.loads(_outside(template, "Questioning Elsewhere"))
    forged["name"] = "Something Grander"
    said = await room.as_(BEN).send_file(
        "forged.json", json.dumps(forged).encode(), "application/json", "verify"
    )
    assert "NO  Signature" in said and "*Not valid.*" in said


async def test_verify_in_chat_our_links_files_and_what_is_not_a_credential(
    district: Services,
) -> None:
    template = await _template(district)
    room = LocalDriver(district)
    sam = room.as_(DEE)
    said = await sam.command("verify", template["id"])
    assert "*Valid.* Every check holds." in said
    assert "ok  Signature" in said and "ok  Revocation: not revoked" in said
    said = await sam.send_file("good.json", _outside(template, "Questioning Elsewhere"),
                               "application/json", "verify")  # fmt: skip
    assert "*Valid.*" in said and "Elsewhere Academy" in said
    said = await sam.command("verify", "https://badges.example.org/credentials/abc")
    assert "I only open links to credentials issued here" in said
    said = await sam.send_file("cat.png", bake({})[:8] + b"garbage", "image/png", "verify")
    assert "without a credential inside it" in said
    said = await sam.send_file("notes.txt", b"hello", "text/plain", "verify")
    assert "isn't a credential" in said
    assert "Attach the credential file" in await sam.command("verify")


async def test_declined_and_another_district_cannot_decide(district: Services) -> None:
    template = await _template(district)
    await _policy_recognises(district, RecognitionRule(DID, "Questioning Elsewhere", "C-ONE"))
    room = LocalDriver(district)
    await room.as_(ANA).send_file("q.json", _outside(template, "Questioning Elsewhere"),
                                  "application/json", "recognize")  # fmt: skip
    assert "#1 Ana Teacher" in await room.as_(DEE).command("recognitions")
    said = await room.as_(BEN).press_value(RECOGNISE.id, "1")
    assert "That button is for district admins" in said
    said = await room.as_(DEE).press(DECLINE.id)
    assert "Declined" in said and "decided not to recognise" in room.as_(ANA).last
    said = await room.as_(DEE).press_value(RECOGNISE.id, "1")
    assert "already decided (declined)" in said
    assert "No credentials earned elsewhere are waiting" in await room.as_(DEE).command(
        "recognitions"
    )


async def test_recognizing_our_own_revoked_credential_says_it_was_revoked(
    district: Services,
) -> None:
    """A trial teacher handed in her own revoked badge and was told to ask its issuer for a
    fresh copy: the issuer is her district, which revoked it. She is told so, when and why."""
    await earn(district, ANA)
    public_id = await credential_link(district, ANA, "C-ONE")
    png = await district.credentials.badge(public_id)
    await district.credentials.revoke(public_id, "awarded in error, wrong teacher")
    ana = LocalDriver(district).as_(ANA)
    said = await ana.send_file("badge.png", png, "image/png", text="recognize")
    assert "fresh copy" in said and "ask its issuer" not in said.lower()
    assert (
        "*Questioning for Discourse* was issued here, by Testville School District, and revoked on"
        in said
    )
    assert "(awarded in error, wrong teacher), so it no longer counts, here or anywhere" in said
    assert "If you think this is a mistake, ask your district admin." in said
    async with district.db.read() as session:
        assert (await session.scalars(select(Recognition))).all() == []  # nothing was asked
