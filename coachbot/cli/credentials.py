"""``coachbot credentials``: verify an Open Badges credential (a file or a link), rotate a
district's signing key."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

import typer

from coachbot.cli.runner import missing_sqlite_file, say
from coachbot.cli.runner import run as run_with_services
from coachbot.composition import Services
from coachbot.domain.credentials import reason_is_real
from coachbot.domain.roles import Actor
from coachbot.services.credentials.resolving import fetch_json, unreachable
from coachbot.services.district.districts import pick_district
from coachbot.settings import Settings
from coachbot.storage.schema import upgrade

app = typer.Typer(help="Open Badges credentials: verify one, rotate a key.", no_args_is_help=True)


async def _read(source: str) -> tuple[dict[str, Any] | None, str, str]:
    """The credential's JSON, or None with why ("missing", "fetch", "json") and a detail."""
    if source.startswith(("https://", "http://")):
        try:
            document = await asyncio.to_thread(fetch_json, source)
        except (OSError, ValueError) as error:  # the words say why; no raw error text
            return None, "unreached" if unreachable(error) else "fetch", ""
    else:
        path = Path(source)
        if not await asyncio.to_thread(path.is_file):
            return None, "missing", ""
        try:
            document = json.loads(await asyncio.to_thread(path.read_text, "utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            return None, "json", str(error)[:200]
    if not isinstance(document, dict):
        return None, "json", ""
    return document, "", ""


# verify's exit status, for scripts: a credential that fails a check (1) is not one that could
# not be checked (2: try again later). 2 is also what a mistyped command exits with (click's
# usage error), which checked nothing either; an error of ours while checking is a 2 as well.
VALID, NOT_VALID, NOT_CHECKED = 0, 1, 2


@app.command(
    "verify",
    epilog="Exit status: 0 VALID; 1 NOT VALID (changed, revoked, expired, refused, or not a"
    " credential); 2 NOT CHECKED (the issuer's site could not be reached, or the check could"
    " not run): nothing is known yet, try again later.",
)
def verify(
    source: str = typer.Argument(..., help="A credential file (JSON) or its link"),
    online: bool = typer.Option(
        False, help="Fetch another issuer's key from its website (ours are always known)"
    ),
) -> None:
    """Check a credential's signature, issuer, key, revocation, dates and format."""
    outcome = NOT_CHECKED  # until a verdict says otherwise
    settings = Settings()
    scratch = None
    if missing_sqlite_file(settings.database_url) is not None:
        # Anyone may check a credential without a CoachBot of their own (the principal in
        # another district): a scratch database that knows no issuer, so the issuer's key
        # and revocation list are fetched from the addresses the credential names.
        scratch = tempfile.TemporaryDirectory(prefix="coachbot-verify-")
        settings = settings.model_copy(update={
            "database_url": f"sqlite+aiosqlite:///{Path(scratch.name) / 'verify.db'}",
            "evidence_dir": Path(scratch.name) / "evidence",
            "log_level": "WARNING",  # the scratch migrations are not the verifier's business
        })  # fmt: skip
        online = True

    async def work(services: Services) -> None:
        nonlocal outcome
        if scratch is not None:
            await upgrade(services.db)
            say(services, "credentials.j2", "verify_without_database")
        document, why, detail = await _read(source)
        if document is None:
            outcome = NOT_CHECKED if why == "unreached" else NOT_VALID
            say(services, "credentials.j2", "verify_unreadable", source=source, why=why,
                detail=detail)  # fmt: skip
            return
        verdict = await services.credentials.verifier(online=online).verify(document)
        outcome = VALID if verdict.valid else NOT_CHECKED if verdict.unreached else NOT_VALID
        say(services, "credentials.j2", "verify_report", source=source, verdict=verdict)

    try:
        run_with_services(work, settings, needs_database=scratch is None)
    except typer.Exit:
        outcome = NOT_CHECKED  # the runner said what went wrong; nothing was decided
    finally:
        if scratch is not None:
            scratch.cleanup()
    if outcome != VALID:
        raise typer.Exit(outcome)


@app.command("revoke")
def revoke(
    credential: str = typer.Argument(..., help="The credential's link, or the id at its end"),
    reason: str = typer.Option(..., help="Why, in words the teacher and a verifier will read"),
) -> None:
    """Withdraw a credential: its page and the district's revocation list say so at once.
    Exits 2, changing nothing, for a reason of a word or two: the teacher, HR and verifiers
    read it."""
    thin = not reason_is_real(reason)

    async def work(services: Services) -> None:
        public_id = credential.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
        if thin:
            about = await services.credentials.about(Actor.system(None), public_id)
            say(services, "credentials.j2", "revoke_reason_thin", reason=reason.strip(),
                teacher=about.teacher)  # fmt: skip
            return
        row = await services.credentials.revoke(public_id, reason.strip())
        zone = (await services.credentials.page(public_id)).timezone  # the district's day
        assert row.revoked_at is not None
        to_recover = await services.ledger.to_recover(row.award_id, row.revoked_at)
        say(services, "credentials.j2", "revoked_done", name=row.document.get("name"),
            when=row.revoked_at, reason=row.revoked_reason, tz=zone,
            to_recover=to_recover)  # fmt: skip

    run_with_services(work)
    if thin:
        raise typer.Exit(2)


@app.command("rotate-key")
def rotate_key(
    district: str | None = typer.Option(None, help="District slug (needed if there are several)"),
) -> None:
    """Make a new signing key for the district; the old one keeps verifying what it signed."""

    async def work(services: Services) -> None:
        slug = await pick_district(services.db, district)
        key_id, name = await services.credentials.rotate(slug)
        say(services, "credentials.j2", "keys_rotated", district=name, key=key_id)

    run_with_services(work)
