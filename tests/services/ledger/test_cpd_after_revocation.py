"""CPD units after a revocation (a trial: Priya held 13 credentials, 6 units; revoking the one
that carried a unit left her 5.0 units for 12 credentials).

"One CPD unit per 2 credentials" is recounted on what still counts (docs/ledger.md): after
every revocation the teacher's ``status``, her ``teacher_total`` row in the HR export and HR's
rule (her ``cpd_units`` where ``pay_state = credited``) all read floor(remaining / 2)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from coachbot.composition import Services
from coachbot.domain.catalog import PartKind
from coachbot.domain.evidence import EvidencePart
from coachbot.importing.catalog_reader import read_catalog
from coachbot.services.ledger.export import export_ledger
from tests.conftest import FIXTURES
from tests.helpers import ANA, DEE, REFLECTION, actor, credential_link, earn, earn_with
from tests.services.ledger.test_hr_recipe import YEAR, _csv, credited, net

PARTS = [EvidencePart("Reflection", PartKind.TEXT, text=REFLECTION)]
MORE = ("C-THREE", "C-FOUR", "C-FIVE")  # copies of C-TWO: the district's currency, 1 CPD per 2


async def _load(district: Services, tmp_path: Path) -> None:
    """The small catalog with three more credentials like C-TWO, and room in the budget."""
    text = (FIXTURES / "small_catalog.yaml").read_text()
    text = text.replace("stipend_budget: 400", "stipend_budget: 10000")
    extra = "".join(
        f"  - code: {code}\n    title: Practice {code}\n    competency: Tries it in class.\n"
        "    issuer: Testville SD\n    hours_estimate: 5\n    requirements:\n"
        "      - {name: Reflection, kind: text}\n    rubric:\n      levels: [Not yet, Proficient]\n"
        "      passing: Proficient\n      criteria:\n"
        "        - {name: Adjustment, description: The next lesson changed}\n"
        for code in MORE
    )
    text = text.replace("stacks:\n", extra + "stacks:\n", 1)
    (tmp_path / "c.yaml").write_text(text)
    await district.catalog.load(read_catalog(tmp_path / "c.yaml"))


async def _earn(district: Services, tmp_path: Path, count: int) -> list[str]:
    """Ana earns C-ONE, C-TWO, then the copies, ``count`` in all; returns their codes."""
    await _load(district, tmp_path)
    await earn(district, ANA)
    codes = ["C-ONE", "C-TWO", *MORE][:count]
    for code in codes[1:]:
        await earn_with(district, ANA, code, PARTS, {"Adjustment": "Proficient"})
    return codes


async def _revoke(district: Services, code: str) -> None:
    await district.credentials.revoke(await credential_link(district, ANA, code), "in error")


async def _units_everywhere(district: Services, tmp_path: Path) -> Decimal:
    """Ana's CPD units as her status, her ledger totals, HR's rule and the teacher_total row
    say them; asserts they are one figure and returns it."""
    dee = await actor(district, DEE)
    out = tmp_path / "ledger.csv"
    await export_ledger(district.db, dee.district_id or 0, YEAR, out, "csv")
    rows = _csv(out)
    (total,) = [r for r in rows if r["row_type"] == "teacher_total" and r["employee_email"] == ANA]
    status = await district.status.teacher(ANA)
    ana = await actor(district, ANA)
    totals = await district.ledger.totals(ana.person_id or 0)
    figures = {
        "hr_rule": credited(rows, ANA, "cpd_units"),
        "net": net(rows, ANA, "cpd_units"),
        "teacher_total": Decimal(total["cpd_units"]),
        "status": Decimal(status.cpd_units),
        "this_year": Decimal(f"{totals.this_year.cpd_units:g}"),
        "all_time": Decimal(f"{totals.all_time.cpd_units:g}"),
    }
    assert len(set(figures.values())) == 1, figures
    return figures["status"]


async def test_revoking_the_credential_that_carried_a_unit_keeps_one_unit_per_two(
    district: Services, tmp_path: Path
) -> None:
    await _earn(district, tmp_path, 4)
    assert await _units_everywhere(district, tmp_path) == 2
    await _revoke(district, "C-TWO")  # it carried the first unit: 3 left, floor(3/2) = 1
    assert await _units_everywhere(district, tmp_path) == 1
    await _revoke(district, "C-ONE")  # 2 left: still 1
    assert await _units_everywhere(district, tmp_path) == 1
    await _revoke(district, "C-THREE")  # 1 left: the last unit goes
    assert await _units_everywhere(district, tmp_path) == 0


async def test_a_unit_a_later_credential_earned_carries_over(
    district: Services, tmp_path: Path
) -> None:
    """Priya's case in small: 5 credentials, 2 units; revoking the 2nd (a carrier) leaves 4,
    still 2 units: C-FIVE now carries one, as a fresh credited entry (the ledger only grows)."""
    await _earn(district, tmp_path, 5)
    assert await _units_everywhere(district, tmp_path) == 2
    await _revoke(district, "C-TWO")
    assert await _units_everywhere(district, tmp_path) == 2
    out = tmp_path / "ledger.csv"
    dee = await actor(district, DEE)
    await export_ledger(district.db, dee.district_id or 0, YEAR, out, "csv")
    fresh = [
        r for r in _csv(out)
        if r["kind"] == "cpd_units" and r["credential_code"] == "C-FIVE"
        and r["pay_state"] == "credited"
    ]  # fmt: skip
    assert [(r["row_type"], r["cpd_units"]) for r in fresh] == [("entry", "1")]
    assert "CPD units recounted" in fresh[0]["reason"]

    # Revoking one that carried none (C-ONE) drops the count to 3: one unit, not two.
    await _revoke(district, "C-ONE")
    assert await _units_everywhere(district, tmp_path) == 1
    # Revoking again changes nothing.
    await _revoke(district, "C-ONE")
    assert await _units_everywhere(district, tmp_path) == 1


async def test_revoking_one_that_carried_no_unit_of_an_even_count_takes_one_back(
    district: Services, tmp_path: Path
) -> None:
    await _earn(district, tmp_path, 4)
    await _revoke(district, "C-THREE")  # carried none; 3 left
    assert await _units_everywhere(district, tmp_path) == 1
