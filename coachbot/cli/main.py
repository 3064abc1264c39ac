"""``coachbot``: set up the database, import a district, see where everyone stands."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from importlib.metadata import entry_points
from pathlib import Path

import typer

from coachbot.cli.credentials import app as credentials_app
from coachbot.cli.ledger import export_app, stipends_app
from coachbot.cli.platforms import installed_listeners, installed_platforms
from coachbot.cli.runner import run as run_with_services
from coachbot.cli.runner import say
from coachbot.composition import Services
from coachbot.importing.calendar_reader import read_calendar
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.services.district.districts import pick_district
from coachbot.storage.schema import current_revision, upgrade

app = typer.Typer(
    help="CoachBot: coaching for educator micro-credentials.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import a district's catalog or roster.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(credentials_app, name="credentials")
app.add_typer(stipends_app, name="stipends")
app.add_typer(export_app, name="export")


@app.command()
def init() -> None:
    """Create the database schema, or upgrade it to the latest version (safe to re-run)."""

    async def work(services: Services) -> None:
        await upgrade(services.db)
        say(
            services,
            "cli.j2",
            "init_done",
            dialect=services.db.dialect,
            revision=await current_revision(services.db),
        )

    run_with_services(work, needs_database=False)


@import_app.command("catalog")
def import_catalog(file: Path = typer.Argument(..., help="The district's catalog YAML")) -> None:
    """Import (or re-import) a catalog: district, schools, policy, credentials, stacks, pathways."""

    async def work(services: Services) -> None:
        spec = read_catalog(file)
        result = await services.catalog.load(spec, source=file.name)
        say(
            services,
            "cli.j2",
            "catalog_imported",
            district=spec.name,
            source=file.name,
            created=result.created,
            updated=result.updated,
            retired=result.retired,
            stacks=result.stacks,
            pathways=result.pathways,
        )

    run_with_services(work)


@import_app.command("roster")
def import_roster(
    file: Path = typer.Argument(..., help="The roster CSV"),
    district: str | None = typer.Option(None, help="District slug (needed if there are several)"),
) -> None:
    """Import (or re-import) people: matched by email, updated in place, never duplicated."""

    async def work(services: Services) -> None:
        slug = await pick_district(services.db, district)
        rows = read_roster(file, await services.roster.school_codes(slug))
        result = await services.roster.load(slug, rows, source=file.name)
        say(
            services,
            "cli.j2",
            "roster_imported",
            source=file.name,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            not_in_file=result.not_in_file,
        )

    run_with_services(work)


@import_app.command("calendar")
def import_calendar(
    file: Path = typer.Argument(..., help="The school calendar: .ics, or CSV name,starts,ends"),
    district: str | None = typer.Option(None, help="District slug (needed if there are several)"),
) -> None:
    """Import breaks and holidays (no nudges on those days); flags deadlines that fall in one."""

    async def work(services: Services) -> None:
        slug = await pick_district(services.db, district)
        result = await services.calendar.load(slug, read_calendar(file), source=file.name)
        say(services, "cli.j2", "calendar_imported", source=file.name, breaks=result.breaks,
            flagged=result.flagged)

    run_with_services(work)


@app.command()
def status(
    teacher: str | None = typer.Option(None, help="A teacher's email"),
    district: str | None = typer.Option(None, help="District slug (if the email is in several)"),
) -> None:
    """Where pursuits stand: one teacher's, or every cohort's at a glance."""

    async def work(services: Services) -> None:
        if teacher:
            mine = await services.status.teacher(teacher, district)
            totals = await services.ledger.totals(mine.person_id)
            say(services, "cli.j2", "teacher_status", status=mine, totals=totals)
        else:
            rows = await services.status.district_overview()
            say(services, "cli.j2", "district_overview", rows=rows)

    run_with_services(work)


@app.command()
def nudges(
    person: str | None = typer.Option(None, help="Only this person's (their email)"),
    dead: bool = typer.Option(False, help="Only the dead-lettered ones"),
    retry_dead: bool = typer.Option(False, "--retry-dead", help="Send dead-lettered ones again"),
) -> None:
    """What is scheduled, sent, dropped (and why) and dead-lettered."""

    async def work(services: Services) -> None:
        if retry_dead:
            again = await services.outbox.retry_dead(person)
            say(services, "cli.j2", "nudges_retried", count=again)
            return
        lines = await services.outbox.lines(email=person,
                                         statuses=("dead",) if dead else ())
        say(services, "cli.j2", "nudges", lines=lines, dead=dead, person=person)

    run_with_services(work)


@app.command("run")
def run_platforms(
    only: list[str] = typer.Option([], "--platform", help="Start only this platform"),
) -> None:
    """Start every chat platform that is configured, with its nudge delivery; Ctrl-C stops."""
    platforms = [p for p in installed_platforms() if not only or p.name in only]
    ready = [p for p in platforms if p.configured()]

    async def work(services: Services) -> None:
        if not ready:
            say(services, "cli.j2", "run_nothing_configured",
                platforms=[{"name": p.name, "ways": dict(p.ways())} for p in platforms])
            return
        say(services, "cli.j2", "run_starting", names=[p.name for p in ready])
        listeners = installed_listeners()
        if listeners:
            say(services, "cli.j2", "run_files", url=services.settings.link_base())
        # A service manager stops us with SIGTERM: stop as gracefully as on Ctrl-C, letting
        # each platform finish the work it has already acknowledged.
        current = asyncio.current_task()
        assert current is not None
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, current.cancel)
        try:
            await asyncio.gather(
                *(p.run(services) for p in ready), *(each.run(services) for each in listeners)
            )
        except asyncio.CancelledError:
            say(services, "cli.j2", "run_stopped")

    run_with_services(work, needs_database=bool(ready))
    if not ready:
        raise typer.Exit(2)


def plug_in_adapters() -> None:
    """Let installed adapters add their commands (``chat``, ``demo``, ``run``...), once."""
    for entry in entry_points(group="coachbot.cli"):
        if not any(
            command.callback is not None and command.callback.__module__ == entry.module
            for command in app.registered_commands
        ):
            entry.load()(app)


def run() -> None:
    plug_in_adapters()
    app()
