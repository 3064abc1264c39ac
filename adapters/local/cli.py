"""The local adapter's commands, plugged into ``coachbot`` through the ``coachbot.cli`` entry
point group (so the core's CLI never imports an adapter)."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import typer

from adapters.local.forms import Closing
from coachbot.cli.runner import run as run_with_services
from coachbot.prompts import Prompts
from coachbot.settings import Settings


def register(app: typer.Typer) -> None:
    app.command()(chat)
    app.command()(demo)


def chat(
    as_: str = typer.Option(..., "--as", help="The email of the person you are, from the roster"),
    district: str = typer.Option("", help="District slug (needed if the email is in several)"),
) -> None:
    """Talk to CoachBot in this terminal as someone on the roster, against the same database."""
    from adapters.local.terminal import chat as talk
    from adapters.local.terminal import terminal_ask

    async def work(services) -> None:  # type: ignore[no-untyped-def]
        await talk(services, as_, terminal_ask, typer.echo, district=district)

    # The terminal is the conversation: logs (and any internal details) go to a file.
    settings = Settings()
    if settings.log_file is None:
        settings = settings.model_copy(update={"log_file": Path("coachbot-chat.log")})
    # Ctrl-C raises KeyboardInterrupt where it lands, at once: asyncio's own handler would only
    # cancel the task and leave the prompt waiting for Enter. At a prompt the chat says goodbye;
    # in the middle of a turn the turn's transaction rolls back and we say it here (inside a form
    # with answers, adapters.local.forms asks before leaving). SIGTERM
    # (a closing terminal window, ``kill``, a service manager) leaves the same way: the engine
    # is disposed in order and the person sees a goodbye, never a traceback.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        run_with_services(work, settings)
    except KeyboardInterrupt:
        typer.echo("")
        typer.echo(Prompts(settings.prompts_dir, district=settings.district_prompts_dir,
                                   locale=settings.locale).render("local.j2", "goodbye",
                                                          p={"email": as_.strip().lower(),
                                                             "district": district.strip()}))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # A closing terminal leaves at once; Ctrl-C inside a form with answers asks first.
    raise Closing if signum == signal.SIGTERM else KeyboardInterrupt


def demo(
    database: Path = typer.Option(Path("coachbot-demo.db"), help="SQLite file to (re)create"),
    seed: int = typer.Option(7, help="The same seed plays the same semester"),
    weeks: int = typer.Option(16, help="How many school weeks to play"),
) -> None:
    """Play a semester of the example district on a virtual clock and print what happened."""
    from adapters.local.demo import run_demo

    run_demo(database, seed=seed, weeks=weeks)
