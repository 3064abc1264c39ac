"""Rules that tie money to process, from the catalog: a cap on one teacher's stipends in a
fiscal year, and a school's own incentive added to the district's currency (Seminole)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.domain.catalog import PartKind
from coachbot.domain.evidence import EvidencePart
from coachbot.importing.catalog_reader import read_catalog
from coachbot.storage.models import LedgerEntry, NudgeRow, Person
from tests.conftest import FIXTURES
from tests.helpers import ANA, BEN, CARA, REFLECTION, earn, earn_with


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


async def _two_stipends_under_a_cap_of_one(district: Services, tmp_path: Path) -> None:
    """Ana earns two credentials of $200 each in one fiscal year, under a $200 yearly cap."""
    await _load(district, tmp_path, "  stipend_cap_per_teacher: 200\n")
    await earn(district, ANA)
    parts = [EvidencePart("Reflection", PartKind.TEXT, text=REFLECTION)]
    await earn_with(district, ANA, "C-TWO", parts, {"Adjustment": "Proficient"})


async def test_a_teachers_yearly_cap_stops_the_next_stipend(
    district: Services, tmp_path: Path
) -> None:
    await _two_stipends_under_a_cap_of_one(district, tmp_path)
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


async def _earned_news(services: Services, email: str) -> str:
    """The teacher's last "you've earned it" message, as they read it."""
    async with services.db.read() as session:
        news = list(await session.scalars(
            select(NudgeRow).join(Person, Person.id == NudgeRow.person_id)
            .where(Person.email == email, NudgeRow.kind == "feedback_ready")
            .order_by(NudgeRow.id)
        ))  # fmt: skip
    return services.prompts.render("nudges.j2", news[-1].kind, p=news[-1].params)


async def test_the_teacher_hears_it_was_their_yearly_cap_and_what_comes_next(
    district: Services, tmp_path: Path
) -> None:
    await _two_stipends_under_a_cap_of_one(district, tmp_path)
    said = await _earned_news(district, ANA)
    assert "you have reached your district's yearly limit on stipends per teacher" in said
    assert "Your next stipend can be paid from the start of the next fiscal year" in said
    assert "budget" not in said  # the budget ($10,000) has room: it was not the budget


async def test_the_teacher_hears_it_was_the_districts_budget_and_what_comes_next(
    district: Services,
) -> None:
    for email in (ANA, BEN, CARA):  # $400 this year: Cara's $200 does not fit
        await earn(district, email)
    said = await _earned_news(district, CARA)
    assert "your district's stipend budget for this fiscal year is used up" in said
    assert "District leaders decide whether to pay it" in said
    assert "yearly limit" not in said
    assert "a $200 stipend" in await _earned_news(district, BEN)
