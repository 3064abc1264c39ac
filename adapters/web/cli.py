"""``coachbot web``: the file listener alone (``coachbot run`` starts it beside the chat
platforms), so links printed by ``coachbot chat`` open on a machine with no platform set up."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import typer

from coachbot.cli.runner import run as run_with_services
from coachbot.cli.runner import say
from coachbot.settings import Settings


def register(app: typer.Typer) -> None:
    app.command("web")(files)


def files() -> None:
    """Serve links to evidence files (what reviewers open); Ctrl-C stops."""
    from adapters.web.listener import LISTENER

    async def work(services) -> None:  # type: ignore[no-untyped-def]
        say(services, "cli.j2", "files_listening", url=services.settings.link_base())
        with contextlib.suppress(asyncio.CancelledError):
            await LISTENER.run(services)

    # The screen says where links open and how to stop; the listener's own lines ("serving
    # on ...", each request) go to a file, as the terminal chat's do (a trial read an INFO
    # line printed under the bot's words).
    settings = Settings()
    if settings.log_file is None:
        settings = settings.model_copy(update={"log_file": Path("coachbot-web.log")})
    run_with_services(work, settings)
