"""Run a CLI command's coroutine with CoachBot's services built, and turn every failure into
plain words.

No stack trace ever reaches the person at the terminal: known problems get their message from
prompts/, anything unexpected gets an apology with a reference id while the log keeps the details.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError

from coachbot.clock import Clock
from coachbot.composition import Services, build
from coachbot.domain.errors import DomainError
from coachbot.importing.problems import ImportProblems
from coachbot.logs import configure_logging
from coachbot.settings import Settings

log = logging.getLogger("coachbot.cli")


def say(services: Services, family: str, message: str, **params: Any) -> None:
    typer.echo(services.prompts.render(family, message, p=params))


def run(
    work: Callable[[Services], Awaitable[None]],
    settings: Settings | None = None,
    clock: Clock | None = None,
) -> None:
    settings = settings or Settings()
    configure_logging(settings)

    async def main() -> int:
        services = build(settings, clock)
        try:
            await work(services)
            return 0
        except ImportProblems as exc:
            say(services, "cli.j2", "import_problems", problems=[str(p) for p in exc.problems])
        except DomainError as exc:
            typer.echo(services.prompts.render("errors.j2", exc.code, p=exc.params), err=True)
        except (OperationalError, ProgrammingError) as exc:
            if "no such table" in str(exc) or "does not exist" in str(exc):
                say(services, "cli.j2", "not_initialised")
            else:
                _apologise(services, exc)
        except Exception as exc:  # the last line of defence: log it, never show it
            _apologise(services, exc)
        finally:
            await services.aclose()
        return 1

    code = asyncio.run(main())
    if code:
        raise typer.Exit(code)


def _apologise(services: Services, exc: BaseException) -> None:
    reference = uuid.uuid4().hex[:8]
    log.error("command failed (reference %s)", reference, exc_info=exc)
    typer.echo(
        services.prompts.render("errors.j2", "internal", p={"reference": reference}), err=True
    )
