"""Run a CLI command's coroutine with CoachBot's services built, and turn every failure into
plain words.

No stack trace ever reaches the person at the terminal: known problems get their message from
prompts/, anything unexpected gets an apology with a reference id while the log keeps the details.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError

from coachbot.cli.demo_clock import demo_clock, sqlite_file
from coachbot.clock import Clock
from coachbot.composition import Services, build
from coachbot.domain.errors import DomainError
from coachbot.importing.problems import ImportProblems
from coachbot.logs import configure_logging
from coachbot.prompts import Prompts
from coachbot.settings import Settings

log = logging.getLogger("coachbot.cli")


# The chat's safe markup (see coachbot.conversation.vocabulary): *bold* and _italic_ around
# words. A terminal shows it as the stars and underscores themselves, so the CLI prints the words.
BOLD = re.compile(r"(?<![\w*])\*(\S(?:[^*\n]*\S)?)\*(?![\w*])")
ITALIC = re.compile(r"(?<![\w_])_(\S(?:[^_\n]*\S)?)_(?![\w_])")


def plain_text(markup: str) -> str:
    """A message as plain words for the terminal: the chat's emphasis marks removed (a_b in an
    email address or a file name stays as it is)."""
    return ITALIC.sub(r"\1", BOLD.sub(r"\1", markup))


def say(services: Services, family: str, message: str, *, err: bool = False,
        **params: Any) -> None:
    typer.echo(plain_text(services.prompts.render(family, message, p=params)), err=err)


def run(
    work: Callable[[Services], Awaitable[None]],
    settings: Settings | None = None,
    clock: Clock | None = None,
    *,
    needs_database: bool = True,
) -> None:
    """Run ``work``. A command that ``needs_database`` never starts from a missing SQLite file
    (connecting would create an empty one and hide the mistake); only ``init`` creates one."""
    settings = settings or Settings()
    configure_logging(settings)
    clock = clock or demo_clock(settings.database_url)
    missing = missing_sqlite_file(settings.database_url) if needs_database else None
    if missing is not None:
        prompts = Prompts(settings.prompts_dir, district=settings.district_prompts_dir,
                          locale=settings.locale)
        typer.echo(plain_text(prompts.render("cli.j2", "no_database", p={"path": missing})),
                   err=True)
        raise typer.Exit(1)

    async def main() -> int:
        services = build(settings, clock)
        try:
            await work(services)
            return 0
        except ImportProblems as exc:
            say(services, "cli.j2", "import_problems", problems=[str(p) for p in exc.problems])
        except DomainError as exc:
            say(services, "errors.j2", exc.code, err=True, **exc.params)
        except (OperationalError, ProgrammingError) as exc:
            if "no such table" in str(exc) or "does not exist" in str(exc):
                say(services, "cli.j2", "not_initialised")
            else:
                _apologise(services, exc)
        except Exception as exc:  # the last line of defence: log it, never show it
            _apologise(services, exc)
        finally:
            await shut_down(services)
        return 1

    code = asyncio.run(main())
    if code:
        raise typer.Exit(code)


# How long work still running at the end (a nudge tick, a turn past its drain) may take to stop.
STOP_SECONDS = 5.0


async def shut_down(services: Services, seconds: float = STOP_SECONDS) -> None:
    """Stop in order: first whatever is still running beside the command (the nudge ticker's
    jobs, a platform's turns past their drain), then the database engine.

    Left to ``asyncio.run``, that work was cancelled only after the engine was disposed, in the
    middle of its database call: the connection pool's reset then failed and its traceback was
    printed on stopping with SIGTERM. Each one cut short is logged here with what it was."""
    here = asyncio.current_task()
    others = [task for task in asyncio.all_tasks() if task is not here and not task.done()]
    for task in others:
        task.cancel()
    if others:
        _, still = await asyncio.wait(others, timeout=seconds)
        for task in others:
            if task.done() and not task.cancelled() and task.exception() is not None:
                log.warning("on stopping, %s ended with %r", task.get_name(), task.exception())
        for task in still:
            log.warning("on stopping, %s did not stop within %ss", task.get_name(), seconds)
    try:
        await services.aclose()
    except Exception as exc:  # the process is ending anyway: say where, never show it
        log.warning("on stopping, closing the database failed: %r", exc)


def missing_sqlite_file(url: str) -> str | None:
    """The SQLite file ``url`` names when it does not exist; None for anything else."""
    path = sqlite_file(url)
    return None if path is None or path.exists() else str(path)


def _apologise(services: Services, exc: BaseException) -> None:
    reference = uuid.uuid4().hex[:8]
    log.error("command failed (reference %s)", reference, exc_info=exc)
    say(services, "errors.j2", "internal", err=True, reference=reference)
