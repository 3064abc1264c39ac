"""The credential's page, the issuer's page and an achievement's page, opened in a real
headless browser (Debian's chromium) against the real web app on 127.0.0.1: they render, say
valid or revoked in words, and show no email of a teacher and no evidence. A screenshot of
each is kept in the test's folder for a person to look at."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from tests.adapters.web.test_credential_pages import leaks, published

__all__ = ["published"]  # the fixture, shared with the HTTP tests

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium); the browser test is skipped",
)


async def browse(url: str, *extra: str) -> str:
    """What chromium shows at ``url`` (the DOM after it ran), or what it printed."""
    with tempfile.TemporaryDirectory() as profile:
        process = await asyncio.create_subprocess_exec(
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--no-first-run", f"--user-data-dir={profile}",
            "--window-size=1000,1100", *extra, url,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            env={**os.environ, "HOME": profile},
        )  # fmt: skip
        out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return out.decode("utf-8", "replace")


async def screenshot(url: str, path: Path) -> None:
    await browse(url, f"--screenshot={path}")
    with Image.open(path) as image:
        assert image.size == (1000, 1100)
        assert len(image.convert("L").getcolors() or []) > 10  # something was drawn, not blank


async def test_the_pages_render_in_a_browser_valid_then_revoked(  # type: ignore[no-untyped-def]
    published, tmp_path: Path
) -> None:
    services, base, row = published
    page = f"{base}/credentials/{row.public_id}"
    dom = await browse(page, "--dump-dom")
    assert "<h1>Questioning for Discourse</h1>" in dom
    assert "Valid: issued by Testville School District on September 8, 2026" in dom
    assert "How it was earned" in dom and leaks(dom) == []
    await screenshot(page, tmp_path / "credential.png")

    issuer = row.document["issuer"]["id"]
    dom = await browse(issuer, "--dump-dom")
    assert "<h1>Testville School District</h1>" in dom and "Credentials it issues" in dom
    assert "Questioning for Discourse" in dom and leaks(dom) == []
    await screenshot(issuer, tmp_path / "issuer.png")

    achievement = row.document["credentialSubject"]["achievement"]["id"]
    dom = await browse(achievement, "--dump-dom")
    assert "<h1>Questioning for Discourse</h1>" in dom and "How it is earned" in dom
    assert "4 in-service hours" in dom
    assert leaks(dom) == []

    await services.credentials.revoke(row.public_id, "awarded in error")
    dom = await browse(page, "--dump-dom")
    assert "Revoked: Testville School District withdrew this credential" in dom
    assert "awarded in error" in dom and "It no longer counts" in dom
    assert "Valid:" not in dom and leaks(dom) == []
    await screenshot(page, tmp_path / "revoked.png")
    if keep := os.environ.get("COACHBOT_KEEP_SCREENSHOTS"):  # for a person to look at
        for name in ("credential.png", "issuer.png", "revoked.png"):
            shutil.copy(tmp_path / name, Path(keep) / name)
