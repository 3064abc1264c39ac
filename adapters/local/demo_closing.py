"""The demo semester's closing: the figures the district would look at when the semester ends,
and the first earner's credential, saved for ``make demo`` to verify.

Printed from what the semester left in the database (the admin's own ``progress`` and
``calibration`` commands, the reviews' history), so the closing figures can only show what
the semester really did.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from adapters.local.demo_reviews import longest_wait
from adapters.local.semester import peer_figures

if TYPE_CHECKING:
    from adapters.local.demo_acts import Demo

CREDENTIAL_FILE = "coachbot-demo-credential.json"  # beside the database; make demo verifies it


async def close_semester(demo: Demo) -> None:
    """The progress table, how long the longest formal decision took, how consistently the
    facilitators scored, what colleagues' comments added, and who stalled."""
    say, services = demo.transcript.say, demo.services
    # The figures are counted to this day (how long someone has been quiet, for one): named,
    # so no one counts from the last line of the transcript and gets another number.
    say("closing", day=demo.clock.now().astimezone(demo.script.zone).strftime("%A %b %d"))
    typer.echo(await demo.cast.admin.command("progress"))
    if (wait := await longest_wait(services, demo.clock.now())) is not None:
        say("longest_wait", **wait.__dict__)
    typer.echo(await demo.cast.admin.command("calibration"))
    say("peers", **await peer_figures(services))
    stalled = [t.name for t in demo.cast.teachers if t.persona == "stalls"]
    say("stalled", names=stalled)


async def save_first_credential(demo: Demo, database: Path) -> None:
    """The semester's first earner's signed credential, saved beside the database for
    ``coachbot credentials verify`` (``make demo`` ends by verifying it)."""
    issued = await demo.services.credentials.issued()
    if not issued:
        return
    path = database.with_name(CREDENTIAL_FILE)
    await asyncio.to_thread(path.write_text, json.dumps(issued[0], indent=2) + "\n")
    # Only the file's name: the same seed prints the same semester, wherever it is played.
    demo.transcript.say(
        "credential_saved", count=len(issued), name=issued[0]["name"], file=path.name
    )
