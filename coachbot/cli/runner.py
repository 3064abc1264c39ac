"""Run a CLI command's coroutine with CoachBot built, and turn every failure into plain words.

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
from coachbot.composition import CoachBot, build
from coachbot.domain.errors import DomainError
from coachbot.importing.problems import ImportProblems
from coachbot.settings import Settings

log = logging.getLogger("coachbot.cli")


def say(bot: CoachBot, family: str, message: str, **params: Any) -> None:
    typer.echo(bot.prompts.render(family, message, p=params))


def run(
    work: Callable[[CoachBot], Awaitable[None]],
    settings: Settings | None = None,
    clock: Clock | None = None,
) -> None:
    settings = settings or Settings()

    async def main() -> int:
        bot = build(settings, clock)
        try:
            await work(bot)
            return 0
        except ImportProblems as exc:
            say(bot, "cli.j2", "import_problems", problems=[str(p) for p in exc.problems])
        except DomainError as exc:
            typer.echo(bot.prompts.render("errors.j2", exc.code, p=exc.params), err=True)
        except (OperationalError, ProgrammingError) as exc:
            if "no such table" in str(exc) or "does not exist" in str(exc):
                say(bot, "cli.j2", "not_initialised")
            else:
                _apologise(bot, exc)
        except Exception as exc:  # the last line of defence: log it, never show it
            _apologise(bot, exc)
        finally:
            await bot.aclose()
        return 1

    code = asyncio.run(main())
    if code:
        raise typer.Exit(code)


def _apologise(bot: CoachBot, exc: BaseException) -> None:
    reference = uuid.uuid4().hex[:8]
    log.error("command failed (reference %s)", reference, exc_info=exc)
    typer.echo(bot.prompts.render("errors.j2", "internal", p={"reference": reference}), err=True)
