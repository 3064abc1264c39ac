"""``coachbot credentials verify`` when the issuer's site can't be reached (a trial: it said
the key "is not a key any of our districts ever had" and showed a raw "<urlopen error ...>").
It must say the site could not be reached, that this is no sign of a fake, and to try later."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coachbot.cli.main import app, plug_in_adapters
from coachbot.clock import VirtualClock
from tests.adapters.web.test_credential_pages import free_port, issued_for_ana, verify


async def _issued_at_a_closed_port(
    db_url: str, clock: VirtualClock, tmp_path: Path
) -> tuple[str, Path]:
    """Ana's credential from a CoachBot whose address is a port nobody listens on."""
    port = free_port()  # closed: connecting is refused
    services, row = await issued_for_ana(db_url, clock, tmp_path, port)
    document = row.document
    await services.aclose()
    base = f"http://127.0.0.1:{port}"
    path = tmp_path / "ana.json"
    path.write_text(json.dumps(document))
    return base, path


async def test_an_issuer_that_cannot_be_reached_is_not_called_fake(
    db_url: str, clean_postgres: None, clock: VirtualClock, tmp_path: Path
) -> None:
    base, path = await _issued_at_a_closed_port(db_url, clock, tmp_path)
    plug_in_adapters()
    nothing = f"sqlite+aiosqlite:///{tmp_path / 'nothing-here.db'}"
    # The verifier's own CoachBot address: the default, and the very one the issuer used
    # (the trial's case: the key was taken for one of "our districts'").
    for public_url in ("", base):
        env = {"COACHBOT_DATABASE_URL": nothing, "COACHBOT_LOG_LEVEL": "WARNING"}
        if public_url:
            env["COACHBOT_PUBLIC_URL"] = public_url
        result = await verify(str(path), env)
        out = result.output
        assert "There is no CoachBot database here" in out
        assert "the issuer's site (" in out and "could not be reached just now" in out
        assert (
            "Verdict: NOT CHECKED. The issuer's site could not be reached, so this credential"
            " could not be checked right now. That does not mean it is fake: try again later."
        ) in out
        assert "not a key any of our districts ever had" not in out
        assert "urlopen" not in out and "Errno" not in out and "refused" not in out.lower()
        assert "NOT VALID" not in out and "Traceback" not in out
        assert result.exit_code == 2  # not checked: neither valid (0) nor not valid (1)


async def test_a_link_that_cannot_be_reached_says_so_plainly(tmp_path: Path) -> None:
    plug_in_adapters()
    env = {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'nothing-here.db'}",
           "COACHBOT_LOG_LEVEL": "WARNING"}  # fmt: skip
    link = f"http://127.0.0.1:{free_port()}/credentials/0b5c7a52-4f7e-4c1e-9d1c-1f0a2b3c4d5e"
    result = await verify(link, env)
    out = result.output
    assert result.exit_code == 2  # not checked, which a script tells from not valid (1)
    assert "The site at that link could not be reached just now" in out
    assert "That does not mean it is fake: try again later." in out
    assert "urlopen" not in out and "Errno" not in out and "NOT VALID" not in out


def test_verify_help_says_what_each_exit_status_means() -> None:
    plug_in_adapters()
    said = CliRunner().invoke(app, ["credentials", "verify", "--help"], terminal_width=200)
    assert said.exit_code == 0
    words = " ".join(said.output.split())
    assert "Exit status: 0 VALID; 1 NOT VALID (changed, revoked, expired" in words
    assert "2 NOT CHECKED (the issuer's site could not be reached" in words
