"""HR's side of the ledger at the terminal: stipends approved and paid in a batch, and the
year's export, whose columns and totals match the ledger, byte for byte the same each run."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from coachbot.cli.main import app, plug_in_adapters
from coachbot.clock import VirtualClock
from coachbot.composition import build
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.services.ledger.export import COLUMNS
from coachbot.settings import Settings
from coachbot.storage.database import Database
from coachbot.storage.schema import upgrade
from tests.conftest import FIXTURES, START
from tests.helpers import ANA, BEN, CARA, actor, earn


async def _three_awards(url: str, folder: Path) -> dict[str, tuple[float, float, int]]:
    """Ana, Ben and Cara each earn C-ONE (the third stipend is over the $400 budget); returns
    each teacher's (hours, points, stipend cents) this year, as the ledger totals them."""
    db = Database(url)
    await upgrade(db)
    await db.dispose()
    services = build(Settings(database_url=url, evidence_dir=folder, _env_file=None),
                     VirtualClock(START))  # fmt: skip
    try:
        spec = read_catalog(FIXTURES / "small_catalog.yaml")
        await services.catalog.load(spec)
        rows = read_roster(FIXTURES / "small_roster.csv", {s.code for s in spec.schools})
        await services.roster.load(spec.slug, rows)
        totals = {}
        for email in (ANA, BEN, CARA):
            await earn(services, email)
        for email in (ANA, BEN, CARA):
            mine = await services.ledger.totals((await actor(services, email)).person_id or 0)
            year = mine.this_year
            totals[email] = (year.hours, year.points, year.stipend_cents)
        return totals
    finally:
        await services.aclose()


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite+aiosqlite:///{tmp_path / 'hr.db'}"
    totals = asyncio.run(_three_awards(url, tmp_path / "evidence"))
    plug_in_adapters()
    runner = CliRunner()
    env = {"COACHBOT_DATABASE_URL": url, "COACHBOT_LOG_LEVEL": "WARNING",
           "COACHBOT_EVIDENCE_DIR": str(tmp_path / "evidence")}  # fmt: skip

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args), env=env)
        return result.exit_code, result.output

    return invoke, totals


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_export_columns_and_totals_match_the_ledger(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli, totals = world
    out = tmp_path / "ledger.csv"
    code, said = cli("export", "ledger", "--fiscal-year", "2026-27", "--out", str(out))
    assert code == 0, said
    assert "9 entries for 3 teachers in 2026-27, $400 in stipends" in said
    with out.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == list(COLUMNS)
    rows = _rows(out)
    for email, (hours, points, cents) in totals.items():
        mine = [r for r in rows if r["employee_email"] == email]
        (total,) = [r for r in mine if r["row_type"] == "teacher_total"]
        assert mine[-1] is total  # each teacher's total follows their entries
        entries = [r for r in mine if r["row_type"] == "entry"]
        assert float(total["hours"]) == hours == sum(float(r["hours"] or 0) for r in entries)
        assert float(total["points"]) == points
        assert round(float(total["stipend_amount"]) * 100) == cents
    over = [r for r in rows if r["pay_state"] == "over_budget"]
    assert [r["employee_email"] for r in over] == [CARA]  # listed, not counted in her total
    again = tmp_path / "again.csv"
    cli("export", "ledger", "--fiscal-year", "2026-27", "--out", str(again))
    assert again.read_bytes() == out.read_bytes()  # stable across runs


def test_the_spreadsheet_holds_the_same_rows(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli, _ = world
    cli("export", "ledger", "--fiscal-year", "2026-27", "--out", str(tmp_path / "l.csv"))
    code, said = cli("export", "ledger", "--fiscal-year", "2026-27", "--format", "xlsx",
                     "--out", str(tmp_path / "l.xlsx"))  # fmt: skip
    assert code == 0, said
    book = load_workbook(tmp_path / "l.xlsx", read_only=True)
    sheet = [[c or "" for c in row] for row in book["ledger"].iter_rows(values_only=True)]
    with (tmp_path / "l.csv").open(newline="", encoding="utf-8") as handle:
        assert sheet == list(csv.reader(handle))


def test_stipends_are_approved_and_paid_in_a_batch(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli, _ = world
    code, said = cli("stipends", "pay", "--batch", "PAY-1", "--fiscal-year", "2026-27")
    assert "No stipends were approved and waiting to be paid in 2026-27" in said
    code, said = cli("stipends", "approve", "--fiscal-year", "2026-27")
    assert (code, "Approved 2 stipends for 2026-27, $400 in all" in said) == (0, True)
    assert "record the batch: coachbot stipends pay --batch REF --fiscal-year 2026-27." in said
    code, said = cli("stipends", "pay", "--batch", "PAY-2027-03", "--fiscal-year", "2026-27")
    assert "as paid in batch PAY-2027-03, $400 in all" in said
    cli("export", "ledger", "--fiscal-year", "2026-27", "--out", str(tmp_path / "paid.csv"))
    paid = {(r["pay_state"], r["batch_ref"]) for r in _rows(tmp_path / "paid.csv")
            if r["kind"] == "stipend"}  # fmt: skip
    assert paid == {("paid", "PAY-2027-03"), ("over_budget", "")}


def test_mistakes_get_words_and_write_nothing(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli, _ = world
    out = tmp_path / "bad.csv"
    code, said = cli("export", "ledger", "--fiscal-year", "2026", "--out", str(out))
    assert code == 1 and "Write it like 2026-27" in said and "Traceback" not in said
    code, said = cli("export", "ledger", "--fiscal-year", "2026-27", "--format", "pdf",
                     "--out", str(out))  # fmt: skip
    assert code == 1 and "choose csv or xlsx" in said
    assert not out.exists()


def test_a_revoked_paid_stipend_is_recovered_at_the_terminal(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli, _ = world
    cli("stipends", "approve", "--fiscal-year", "2026-27")
    cli("stipends", "pay", "--batch", "PAY-2027-01", "--fiscal-year", "2026-27")
    with sqlite3.connect(tmp_path / "hr.db") as db:
        (public_id,) = db.execute(
            "SELECT i.public_id FROM issued_credentials i JOIN awards a ON a.id = i.award_id"
            " JOIN people p ON p.id = a.teacher_id WHERE p.email = ?", (ANA,)
        ).fetchone()
    code, said = cli("credentials", "revoke", public_id, "--reason", "copied")
    # One word is asked for again, as in chat: Ana and HR read it. Nothing is revoked.
    assert code == 2 and '"copied" is too short a reason: Ana Teacher reads it' in said, said
    with sqlite3.connect(tmp_path / "hr.db") as db:
        assert db.execute("SELECT count(*) FROM issued_credentials WHERE revoked_at IS NOT NULL"
                          ).fetchone() == (0,)  # fmt: skip
    code, said = cli("credentials", "revoke", public_id, "--reason", "the work was copied")
    assert code == 0, said
    assert "was already paid in batch PAY-2027-01 and is to be recovered" in " ".join(said.split())
    cli("export", "ledger", "--fiscal-year", "2026-27", "--out", str(tmp_path / "r.csv"))
    (owed_back,) = [r for r in _rows(tmp_path / "r.csv") if r["pay_state"] == "to_recover"]
    assert owed_back["batch_ref"] == "PAY-2027-01"  # the batch to recover it from
    code, said = cli("stipends", "recovered", owed_back["entry_id"], "REC-2027-02")
    said = " ".join(said.split())
    assert code == 0 and "$200 paid in batch PAY-2027-01 is recovered" in said
    assert "recovery reference REC-2027-02" in said
    cli("export", "ledger", "--fiscal-year", "2026-27", "--out", str(tmp_path / "r.csv"))
    (back,) = [r for r in _rows(tmp_path / "r.csv") if r["pay_state"] == "recovered"]
    assert (back["entry_id"], back["batch_ref"]) == (owed_back["entry_id"], "REC-2027-02")
    # Twice is harmless (exit 0) and says when it was recorded, with its reference; an entry
    # that is no paid stipend exits 1, so a payroll script notices the wrong number.
    code, said = cli("stipends", "recovered", owed_back["entry_id"])
    said = " ".join(said.split())
    assert code == 0 and f"Entry {back['entry_id']} was already recorded as recovered on" in said
    assert "(recovery reference REC-2027-02)" in said and "Nothing changed." in said
    code, said = cli("stipends", "recovered", "1")
    assert code == 1 and "No paid stipend waits to be recovered under entry 1" in said
    code, said = cli("stipends", "recovered", "--help")
    assert code == 0 and "exits 1 when no paid stipend has that entry" in " ".join(said.split())
