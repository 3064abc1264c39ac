"""Rules that tie money to process, from the catalog: a cap on one teacher's stipends in a
fiscal year, and a school's own incentive added to the district's currency (Seminole)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.domain.catalog import PartKind
from coachbot.domain.evidence import EvidencePart
from coachbot.importing.catalog_reader import read_catalog
from coachbot.storage.models import LedgerEntry, Person
from tests.conftest import FIXTURES
from tests.helpers import ANA, CARA, REFLECTION, earn, earn_with


async def _load(services: Services, tmp_path: Path, policy: str) -> None:
    text = (
        (FIXTURES / "small_catalog.yaml")
        .read_text()
        .replace("stipend_budget: 400", "stipend_budget: 10000")
    )
    text = text.replace("  resubmission_limit: 3\n", "  resubmission_limit: 3\n" + policy, 1)
    (tmp_path / "c.yaml").write_text(text)
    await services.catalog.load(read_catalog(tmp_path / "c.yaml"))


async def _credits(services: Services, email: str, kind: str) -> list[tuple[float, int, str]]:
    async with services.db.read() as session:
        return [tuple(r) for r in (await session.execute(
            select(LedgerEntry.quantity, LedgerEntry.amount_cents, LedgerEntry.pay_state)
            .join(Person, Person.id == LedgerEntry.teacher_id)
            .where(Person.email == email, LedgerEntry.kind == kind)
            .order_by(LedgerEntry.id)
        )).all()]  # fmt: skip


async def test_a_teachers_yearly_cap_stops_the_next_stipend(
    district: Services, tmp_path: Path
) -> None:
    await _load(district, tmp_path, "  stipend_cap_per_teacher: 200\n")
    await earn(district, ANA)
    parts = [EvidencePart("Reflection", PartKind.TEXT, text=REFLECTION)]
    await earn_with(district, ANA, "C-TWO", parts, {"Adjustment": "Proficient"})
    assert await _credits(district, ANA, "stipend") == [
        (0.0, 20000, "owed"),
        (0.0, 20000, "over_budget"),  # earned, recorded, not paid: the cap is reached
    ]


async def test_a_school_adds_its_own_incentive(district: Services, tmp_path: Path) -> None:
    await _load(district, tmp_path, "  school_currency:\n    NORTH: {points: 2, stipend: 50}\n")
    await earn(district, ANA)  # North Elementary
    await earn(district, CARA)  # South Middle
    assert await _credits(district, ANA, "points") == [(8.0, 0, "credited")]
    assert await _credits(district, ANA, "stipend") == [(0.0, 25000, "owed")]
    assert await _credits(district, CARA, "points") == [(6.0, 0, "credited")]
    assert await _credits(district, CARA, "stipend") == [(0.0, 20000, "owed")]
