"""``coachbot stipends approve|pay|recovered`` and ``coachbot export ledger``: the ledger to
payroll."""

from __future__ import annotations

from pathlib import Path

import typer

from coachbot.cli.runner import run as run_with_services
from coachbot.cli.runner import say
from coachbot.composition import Services
from coachbot.domain.ledger import read_year
from coachbot.domain.roles import Actor
from coachbot.services.district.districts import pick_district
from coachbot.services.ledger.export import export_ledger

stipends_app = typer.Typer(help="Stipends: approve the year's owed ones, record a payroll batch.",
                           no_args_is_help=True)  # fmt: skip
export_app = typer.Typer(help="Export records for HR and payroll.", no_args_is_help=True)

YEAR = typer.Option(..., "--fiscal-year", help='The fiscal year, e.g. "2026-27"')
DISTRICT = typer.Option(None, help="District slug (needed if there are several)")


async def _district(services: Services, slug: str | None) -> int:
    return await services.ledger.district_id(await pick_district(services.db, slug))


async def _fiscal(services: Services, district_id: int, typed: str) -> str:
    """The label of the fiscal year typed as people write it ("2026/27", "FY27")."""
    return read_year(typed, (await services.ledger.budget(district_id)).fiscal_year)


@stipends_app.command("approve")
def approve(fiscal_year: str = YEAR, district: str | None = DISTRICT) -> None:
    """Approve every stipend owed in the fiscal year (owed -> approved)."""

    async def work(services: Services) -> None:
        district_id = await _district(services, district)
        year = await _fiscal(services, district_id, fiscal_year)
        moved = await services.ledger.approve_stipends(Actor.system(district_id), district_id, year)
        say(services, "ledger.j2", "stipends_moved", moved=moved, cli=True)

    run_with_services(work)


@stipends_app.command("pay")
def pay(
    batch: str = typer.Option(..., help="HR's payroll batch reference"),
    fiscal_year: str = YEAR,
    district: str | None = DISTRICT,
) -> None:
    """Record the year's approved stipends as paid in HR's batch (approved -> paid)."""

    async def work(services: Services) -> None:
        district_id = await _district(services, district)
        year = await _fiscal(services, district_id, fiscal_year)
        moved = await services.ledger.pay_stipends(
            Actor.system(district_id), district_id, year, batch
        )
        say(services, "ledger.j2", "stipends_moved", moved=moved)

    run_with_services(work)


@stipends_app.command("recovered")
def recovered(
    entry: int = typer.Argument(..., help="The to_recover entry_id in the export (or the paid)"),
    ref: str = typer.Argument("", help="HR's reference for the recovery (optional)"),
    district: str | None = DISTRICT,
) -> None:
    """Record that a revoked credential's paid stipend came back (to_recover -> recovered).

    Exits 0 when it is recorded, and when it already was (running it twice is harmless: it
    says when it was recorded); exits 1 when no paid stipend has that entry (nothing
    changes)."""
    found = True

    async def work(services: Services) -> None:
        nonlocal found
        district_id = await _district(services, district)
        done = await services.ledger.recovered(Actor.system(district_id), district_id, entry, ref)
        budget = await services.ledger.budget(district_id)
        say(services, "ledger.j2", "recovered", done=done, entry=entry, b=budget)
        found = done is not None

    run_with_services(work)
    if not found:
        raise typer.Exit(1)  # a script learns that the entry was wrong


@export_app.command("ledger")
def ledger(
    fiscal_year: str = YEAR,
    format: str = typer.Option("csv", "--format", help="csv or xlsx"),
    out: Path | None = typer.Option(None, help="The file to write (default: ledger-YEAR.FORMAT)"),
    district: str | None = DISTRICT,
) -> None:
    """The fiscal year's ledger for payroll: one row per entry, a total row per teacher."""

    async def work(services: Services) -> None:
        district_id = await _district(services, district)
        year = await _fiscal(services, district_id, fiscal_year)
        path = out or Path(f"ledger-{year}.{format}")
        done = await export_ledger(services.db, district_id, year, path, format)
        say(services, "ledger.j2", "exported", done=done)

    run_with_services(work)
