"""HR's recipe, as docs/ledger.md states it, applied to the exported file as HR reads it (CSV
and the spreadsheet, every cell text): its sums are what ``stipends`` and each teacher's
totals say, before a revocation, after one that takes back a paid stipend, and once HR has
recovered it. A trial summed the "paid" rows to $3,200 while ``stipends`` said $3,000."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.services.ledger.export import export_ledger
from tests.adapters.local.test_terminal_trial import session
from tests.helpers import ANA, BEN, DEE, actor, credential_link
from tests.services.ledger.test_revoked_stipends import ana_and_ben_earned

YEAR = "2026-27"
Rows = list[dict[str, str]]


def _csv(path: Path) -> Rows:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _xlsx(path: Path) -> Rows:
    sheet = load_workbook(path, read_only=True).active
    assert sheet is not None
    header, *body = [[str(c or "") for c in row] for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, row, strict=True)) for row in body]


def _sum(rows: Rows, column: str, keep: Callable[[dict[str, str]], bool]) -> Decimal:
    return sum((Decimal(r[column] or "0") for r in rows if keep(r)), Decimal(0))


def recipe(rows: Rows) -> dict[str, Decimal]:
    """The documented filters, nothing else: row_type entry or reversal (not the totals),
    then pay_state."""
    lines = [r for r in rows if r["row_type"] in ("entry", "reversal")]
    stipend = [r for r in lines if r["kind"] == "stipend"]

    def state(name: str) -> Decimal:
        return _sum(stipend, "stipend_amount", lambda r: r["pay_state"] == name)

    to_recover = -state("to_recover")
    return {
        "owed": state("owed"),
        "approved": state("approved"),
        "paid": state("paid") + to_recover,
        "to_recover": to_recover,
    }


def credited(rows: Rows, email: str, column: str) -> Decimal:
    """A teacher's credits that stand: their rows with pay_state credited."""
    return _sum(
        rows, column, lambda r: r["employee_email"] == email and r["pay_state"] == "credited"
    )


def net(rows: Rows, email: str, column: str) -> Decimal:
    """The same, as the signed sum of their entry and reversal rows."""
    return _sum(
        rows,
        column,
        lambda r: r["employee_email"] == email and r["row_type"] in ("entry", "reversal"),
    )


async def _agrees(district: Services, tmp_path: Path, shown: str) -> Rows:
    """Both files give, by the recipe, what ``stipends`` and the teachers' totals say."""
    dee = await actor(district, DEE)
    figures = (await district.ledger.budget(dee.district_id or 0)).stipends
    view = {
        "owed": figures.owed_cents, "approved": figures.approved_cents,
        "paid": figures.paid_cents, "to_recover": figures.to_recover_cents,
    }  # fmt: skip
    files = []
    for fmt, read in (("csv", _csv), ("xlsx", _xlsx)):
        out = tmp_path / f"ledger.{fmt}"
        await export_ledger(district.db, dee.district_id or 0, YEAR, out, fmt)
        rows = read(out)
        assert {k: int(v * 100) for k, v in recipe(rows).items()} == view, fmt
        for email in (ANA, BEN):
            person = await actor(district, email)
            mine = (await district.ledger.totals(person.person_id or 0)).this_year
            for column, held in (("hours", mine.hours), ("points", mine.points)):
                assert (
                    credited(rows, email, column)
                    == net(rows, email, column)
                    == Decimal(f"{held:g}")
                ), (fmt, email, column)
        files.append(rows)
    assert files[0] == files[1]  # the spreadsheet holds the very same cells
    assert shown in await LocalDriver(district).as_(DEE).command("stipends", "")
    return files[0]


async def test_hr_s_filters_add_up_to_what_coachbot_says(
    district: Services, tmp_path: Path
) -> None:
    dee = await ana_and_ben_earned(district)
    await _agrees(district, tmp_path, "$400 owed, $0 approved, $0 paid;")
    await dee.command("stipends", f"approve {YEAR}")
    await _agrees(district, tmp_path, "$0 owed, $400 approved, $0 paid;")
    await dee.command("stipends", f"pay {YEAR} batch PAY-2027-01")
    await _agrees(district, tmp_path, "$0 owed, $0 approved, $400 paid;")

    link = await credential_link(district, ANA)
    await session(district, DEE, [f"revoke {link} copied a colleague's video", "yes"])
    rows = await _agrees(district, tmp_path, "$400 paid (to recover: $200);")
    (back,) = [r for r in rows if r["pay_state"] == "to_recover"]
    assert (back["row_type"], back["batch_ref"]) == ("reversal", "PAY-2027-01")
    anas = [r for r in rows if r["employee_email"] == ANA and r["row_type"] == "entry"]
    assert {r["pay_state"] for r in anas} == {"reversed"}  # hours, points and the paid stipend
    assert all(r["reversed_by_entry_id"] for r in anas)

    said = await dee.command("stipends", f"recovered {back['entry_id']} REC-2027-02")
    assert "recovery reference REC-2027-02" in said
    rows = await _agrees(district, tmp_path, "$0 owed, $0 approved, $200 paid;")
    (back,) = [r for r in rows if r["pay_state"] == "recovered"]
    assert back["batch_ref"] == "REC-2027-02"
    # The paid rows alone are now what was paid and kept: Ben's $200, not $400.
    assert recipe(rows)["paid"] == 200
