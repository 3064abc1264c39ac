"""What a principal in another district opens, over real HTTP: the credential's page (valid
or revoked in words), its signed JSON and the issuer's profile with its keys; no email and no
evidence in any of them. Another CoachBot verifies the credential by fetching the issuer's key
from the profile, and `coachbot credentials verify` checks a file and a link."""

from __future__ import annotations

import asyncio
import io
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from PIL import Image
from sqlalchemy import select
from typer.testing import CliRunner, Result

from coachbot.cli.main import app, plug_in_adapters
from coachbot.clock import VirtualClock
from coachbot.composition import Services, build
from coachbot.domain import status_list
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.services.credentials.addresses import Addresses
from coachbot.services.credentials.baking import unbake
from coachbot.services.credentials.resolving import KeyResolver
from coachbot.services.credentials.verifying import CredentialVerifier
from coachbot.settings import Settings
from coachbot.storage.models import IssuedCredential
from tests.conftest import FIXTURES
from tests.helpers import ANA, earn, file_listener

PRIVATE = (ANA, "Students asked each other why", "plan.pdf", "video.example.org", "/evidence/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def issued_for_ana(
    db_url: str, clock: VirtualClock, tmp_path: Path, port: int
) -> tuple[Services, IssuedCredential]:
    """The small district, with Ana's credential issued by a CoachBot at 127.0.0.1:``port``
    (listening there or not: that is the caller's choice)."""
    settings = Settings(
        database_url=db_url, evidence_dir=tmp_path / "evidence", web_port=port,
        public_url=f"http://127.0.0.1:{port}", _env_file=None,
    )  # fmt: skip
    services = build(settings, clock)
    spec = read_catalog(FIXTURES / "small_catalog.yaml")
    await services.catalog.load(spec)
    await services.roster.load(spec.slug, read_roster(FIXTURES / "small_roster.csv",
                                                      {s.code for s in spec.schools}))  # fmt: skip
    await earn(services, ANA)
    async with services.db.read() as session:
        row = (await session.scalars(select(IssuedCredential))).one()
    return services, row


@pytest.fixture
async def published(
    db_url: str, clean_postgres: None, clock: VirtualClock, tmp_path: Path
) -> AsyncIterator[tuple[Services, str, IssuedCredential]]:
    """CoachBot whose public URL is its own listener, with Ana's credential issued."""
    port = free_port()
    services, row = await issued_for_ana(db_url, clock, tmp_path, port)
    async with file_listener(services, port=port) as base:
        yield services, base, row
    await services.aclose()


async def fetch(url: str, accept: str) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as session, session.get(
        url, headers={"Accept": accept}
    ) as response:
        return response.status, await response.text(), dict(response.headers)


def leaks(text: str) -> list[str]:
    return [word for word in PRIVATE if word.lower() in text.lower()]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_the_page_says_valid_and_leaks_nothing(published) -> None:  # type: ignore[no-untyped-def]
    _, base, row = published
    status, html, headers = await fetch(f"{base}/credentials/{row.public_id}", BROWSER)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Valid: issued by Testville" in html
    assert row.document["name"] in html
    assert "How it was earned" in html
    assert leaks(html) == []


async def test_the_signed_json_and_the_issuer_keys(published) -> None:  # type: ignore[no-untyped-def]
    _, base, row = published
    status, text, headers = await fetch(f"{base}/credentials/{row.public_id}.json", "*/*")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(text) == row.document
    assert leaks(text) == []
    # The id itself answers software with the JSON.
    status, text, _ = await fetch(row.document["id"], "application/ld+json")
    assert json.loads(text) == row.document
    status, text, _ = await fetch(row.document["issuer"]["id"], "application/json")
    profile = json.loads(text)
    (method,) = profile["verificationMethod"]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
    assert method["id"] == row.document["proof"][0]["verificationMethod"]
    assert "sealed" not in text and leaks(text) == []


async def test_a_revoked_credential_says_so_everywhere(published) -> None:  # type: ignore[no-untyped-def]
    services, base, row = published
    entry = row.document["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusListCredential"] == f"{base}/issuers/testville/status/revocation"
    index = int(entry["statusListIndex"])
    # Another CoachBot (not this district's) reads the signed list from the issuer's website.
    elsewhere = KeyResolver(services.db, Addresses("https://coachbot.other.example"), online=True)
    outside = CredentialVerifier(services.db, services.clock, elsewhere)
    assert (await outside.verify(row.document)).check("status").reason == "not_revoked_listed"

    await services.credentials.revoke(row.public_id, "awarded in error")

    _, html, _ = await fetch(f"{base}/credentials/{row.public_id}", BROWSER)
    assert "Revoked: Testville" in html and "awarded in error" in html
    verdict = await services.credentials.verifier().verify(row.document)
    assert verdict.revoked and not verdict.valid
    assert verdict.check("status").reason == "revoked"
    _, text, _ = await fetch(entry["statusListCredential"], "application/json")
    listed = json.loads(text)
    bits = status_list.decode(listed["credentialSubject"]["encodedList"])
    assert status_list.is_set(bits, index)
    verdict = await outside.verify(row.document)
    assert verdict.revoked and verdict.check("status").reason == "revoked_listed"
    assert (await outside.verify(listed)).check("proof").ok  # the list is signed too


async def test_the_badge_image_carries_the_credential_and_it_verifies(published) -> None:  # type: ignore[no-untyped-def]
    services, base, row = published
    async with aiohttp.ClientSession() as session, session.get(
        f"{base}/credentials/{row.public_id}/badge.png"
    ) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "image/png"
        png = await response.read()
    # The iTXt chunk "openbadgecredential", read back with Pillow: the credential as signed.
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.size == (512, 512)
        baked = json.loads(image.text["openbadgecredential"])  # type: ignore[attr-defined]
    assert baked == row.document and unbake(png) == row.document
    assert leaks(png.decode("latin-1")) == []
    # Another CoachBot, handed only the image, verifies what is inside it.
    elsewhere = KeyResolver(services.db, Addresses("https://coachbot.other.example"), online=True)
    verdict = await CredentialVerifier(services.db, services.clock, elsewhere).verify(baked)
    assert verdict.valid and verdict.check("proof").ok


async def test_the_issuer_profile_is_complete_and_each_achievement_resolves(published) -> None:  # type: ignore[no-untyped-def]
    _, base, row = published
    issuer = row.document["issuer"]
    # In the signed credential: the district's name, website, contact and image.
    assert issuer["url"] == "https://testville.example.org"
    assert issuer["email"] == "credentials@testville.example.org"
    assert issuer["image"]["id"] == "https://testville.example.org/seal.png"
    _, text, _ = await fetch(issuer["id"], "application/json")
    assert json.loads(text)["email"] == "credentials@testville.example.org"
    # The Achievement's id is a page for people and the Achievement for software.
    achievement = row.document["credentialSubject"]["achievement"]
    status, html, _ = await fetch(achievement["id"], BROWSER)
    assert status == 200 and "<h1>Questioning for Discourse</h1>" in html
    assert "How it is earned" in html and leaks(html) == []
    status, text, _ = await fetch(achievement["id"], "application/ld+json")
    found = json.loads(text)
    assert found["id"] == achievement["id"] and found["name"] == achievement["name"]
    assert found["criteria"] == achievement["criteria"]
    status, _, _ = await fetch(f"{base}/issuers/testville/achievements/NOPE", BROWSER)
    assert status == 404


async def test_an_unknown_credential_is_a_polite_404(published) -> None:  # type: ignore[no-untyped-def]
    _, base, _ = published
    status, html, _ = await fetch(f"{base}/credentials/{'0' * 8}-0000-0000-0000-{'0' * 12}",
                                  BROWSER)  # fmt: skip
    assert status == 404 and "no credential here" in html


async def test_another_coachbot_verifies_by_fetching_the_issuer_key(published) -> None:  # type: ignore[no-untyped-def]
    services, _, row = published
    elsewhere = Addresses("https://coachbot.other-district.example")
    offline = CredentialVerifier(services.db, services.clock, KeyResolver(services.db, elsewhere))
    assert (await offline.verify(row.document)).check("key").reason == "key_not_ours_offline"
    online = CredentialVerifier(
        services.db, services.clock, KeyResolver(services.db, elsewhere, online=True)
    )
    verdict = await online.verify(row.document)
    assert verdict.check("issuer").reason == "issuer_elsewhere"
    assert verdict.check("proof").ok is True
    assert verdict.check("status").reason == "not_revoked_listed"  # from the signed list
    assert verdict.valid


async def verify(source: str, env: dict[str, str]) -> Result:
    """The command as typed, in a thread of its own (it runs its own event loop, and this
    test's loop keeps serving the listener meanwhile)."""
    return await asyncio.to_thread(
        CliRunner().invoke, app, ["credentials", "verify", source], env=env
    )


async def test_coachbot_credentials_verify_a_file_and_a_link(published, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services, _, row = published
    plug_in_adapters()
    env = {
        "COACHBOT_DATABASE_URL": services.settings.database_url,
        "COACHBOT_PUBLIC_URL": services.settings.public_url or "",
        "COACHBOT_EVIDENCE_DIR": str(services.settings.evidence_dir),
        "COACHBOT_LOG_LEVEL": "WARNING",
    }
    path = tmp_path / "ana.json"
    path.write_text(json.dumps(row.document))
    result = await verify(str(path), env)
    assert result.exit_code == 0, result.output
    assert "Verdict: VALID. Every check holds." in result.output
    assert "ok  Signature: the signature matches" in result.output
    forged = dict(row.document, name="Master of Everything")
    path.write_text(json.dumps(forged))
    result = await verify(str(path), env)
    assert result.exit_code == 1
    assert "NO  Signature: the signature does not match" in result.output
    assert "Verdict: NOT VALID." in result.output
    result = await verify(str(tmp_path / "none.json"), env)
    assert result.exit_code == 1 and "There is no file there." in result.output
    assert "Traceback" not in result.output
    result = await verify(row.document["id"], env)  # the link, fetched from the listener
    assert result.exit_code == 0, result.output
    assert "Verdict: VALID. Every check holds." in result.output
    # The district admin revokes it, by its link; the command says so, then verify does.
    revoked = await asyncio.to_thread(
        CliRunner().invoke, app,
        ["credentials", "revoke", row.document["id"], "--reason", "awarded in error"], env=env,
    )  # fmt: skip
    assert revoked.exit_code == 0, revoked.output
    assert "is revoked as of" in revoked.output and "(awarded in error)" in revoked.output
    assert "2026 (America/Chicago) (awarded in error)" in revoked.output  # the district's day
    result = await verify(row.document["id"], env)
    assert result.exit_code == 1
    assert "NO  Revocation: REVOKED on" in result.output and "Verdict: REVOKED." in result.output


async def test_the_page_escapes_what_the_catalog_says(published) -> None:  # type: ignore[no-untyped-def]
    services, _, row = published
    page = await services.credentials.page(row.public_id)
    hostile = replace(page, name="<script>alert(1)</script>", criteria="<img src=x onerror=1>")
    html = services.prompts.render("credentials.j2", "credential_page", p={"page": hostile})
    assert "<script>" not in html and "<img src=x" not in html  # only our own badge image
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_verify_needs_no_coachbot_of_ones_own(published, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The principal in another district has no CoachBot database: the file is checked with
    the key and revocation list the issuer publishes (here, the listener), not refused."""
    _, _, row = published
    plug_in_adapters()
    env = {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'nothing-here.db'}",
           "COACHBOT_LOG_LEVEL": "WARNING"}
    path = tmp_path / "ana.json"
    path.write_text(json.dumps(row.document))
    result = await verify(str(path), env)
    assert "There is no CoachBot database here" in result.output
    assert "Verdict: VALID. Every check holds." in result.output, result.output
    assert result.exit_code == 0
    assert not (tmp_path / "nothing-here.db").exists()  # nothing left behind
    photo = tmp_path / "badge.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not json")
    result = await verify(str(photo), env)
    assert result.exit_code == 1
    assert "a credential is a JSON file" in result.output
    assert "Expecting value" not in result.output and "Traceback" not in result.output
