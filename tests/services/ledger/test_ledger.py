"""The ledger as HR and a teacher see it: credits dated in the district's fiscal year, a budget
that is the year's, stipends approved and paid in a batch, and reversals that add, never edit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.database import Database
from coachbot.storage.models import Award, LedgerEntry
from coachbot.storage.schema import downgrade, upgrade
from tests.helpers import ANA, BEN, CARA, DEE, FAY, GIL, PASSING, actor, earn, under_review

# Testville is in Chicago and its fiscal year starts July 1 (the default).
JUNE_30_EVENING = datetime(2027, 7, 1, 4, 30, tzinfo=UTC)  # 23:30 on June 30 in Chicago
JULY_1_MORNING = datetime(2027, 7, 1, 14, 0, tzinfo=UTC)  # 09:00 on July 1 in Chicago


async def _entries(services: Services) -> list[LedgerEntry]:
    async with services.db.read() as session:
        return list(await session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)))


async def _award(
    services: Services, review: tuple[int, int], when: datetime, reviewer: str = FAY
) -> int:
    """The reviewer decides at ``when``; returns the award's id."""
    pursuit_id, review_id = review
    services.clock.set(when)
    await services.reviews.record(
        await actor(services, reviewer), review_id, Decision.EARNED, PASSING
    )
    async with services.db.read() as session:
        found = await session.scalar(select(Award.id).where(Award.pursuit_id == pursuit_id))
    assert found is not None
    return found


async def test_an_award_on_june_30_is_last_years_and_july_1_is_the_next(district: Services) -> None:
    ana_review = await under_review(district, ANA, FAY)
    ben_review = await under_review(district, BEN, FAY)
    ana_award = await _award(district, ana_review, JUNE_30_EVENING)
    ben_award = await _award(district, ben_review, JULY_1_MORNING)
    years = {(e.award_id, e.kind): e.fiscal_year for e in await _entries(district)}
    assert years[(ana_award, "hours")] == "2026-27"
    assert years[(ana_award, "stipend")] == "2026-27"
    assert years[(ben_award, "hours")] == "2027-28"
    # One entry per credit: 4 hours, 6 points, a $200 stipend (the CPD unit comes every 2nd).
    kinds = sorted(e.kind for e in await _entries(district) if e.award_id == ana_award)
    assert kinds == ["hours", "points", "stipend"]


async def test_the_stipend_budget_is_the_years_not_every_award_ever(district: Services) -> None:
    # $400 a year: two $200 stipends fit, the third is over budget; next July there is money.
    gil_review = await under_review(district, GIL, FAY)  # handed in before the window closed
    for email in (ANA, BEN, CARA):
        await earn(district, email)
    await _award(district, gil_review, JULY_1_MORNING)
    stipends = [
        (e.fiscal_year, e.amount_cents, e.pay_state)
        for e in await _entries(district)
        if e.kind == "stipend"
    ]
    assert stipends == [
        ("2026-27", 20000, "owed"),
        ("2026-27", 20000, "owed"),
        ("2026-27", 20000, "over_budget"),
        ("2027-28", 20000, "owed"),
    ]
    budget = await district.ledger.budget((await actor(district, ANA)).district_id or 0)
    assert (budget.fiscal_year, budget.spent_cents, budget.left_cents) == ("2027-28", 20000, 20000)


async def test_stipends_are_approved_then_paid_in_hrs_batch(district: Services) -> None:
    for email in (ANA, BEN):
        await earn(district, email)
    dee = await actor(district, DEE)
    district_id = dee.district_id or 0
    approved = await district.ledger.approve_stipends(dee, district_id, "2026-27")
    assert (approved.count, approved.cents) == (2, 40000)
    again = await district.ledger.approve_stipends(dee, district_id, "2026-27")
    assert again.count == 0  # nothing owed is left to approve
    paid = await district.ledger.pay_stipends(dee, district_id, "2026-27", "PAY-2027-03")
    assert paid.count == 2
    states = {(e.pay_state, e.batch_ref) for e in await _entries(district) if e.kind == "stipend"}
    assert states == {("paid", "PAY-2027-03")}


async def test_a_reversal_is_a_new_negative_entry_and_frees_the_budget(district: Services) -> None:
    await earn(district, ANA)
    ana = await actor(district, ANA)
    async with district.db.read() as session:
        award_id = await session.scalar(select(Award.id))
    assert award_id is not None
    before = await _entries(district)
    assert await district.ledger.reverse(award_id, "plagiarised evidence") == len(before)
    assert await district.ledger.reverse(award_id, "again") == 0  # nothing left to take back
    after = await _entries(district)
    # The originals are untouched; each has its negative twin with the reason.
    assert [(e.kind, e.quantity, e.amount_cents) for e in after[: len(before)]] == [
        (e.kind, e.quantity, e.amount_cents) for e in before
    ]
    reversals = after[len(before) :]
    assert {e.reverses_id for e in reversals} == {e.id for e in before}
    assert all(e.reason == "plagiarised evidence" for e in reversals)
    totals = await district.ledger.totals(ana.person_id or 0)
    assert (totals.all_time.hours, totals.all_time.stipend_cents) == (0.0, 0)
    budget = await district.ledger.budget(ana.district_id or 0)
    assert budget.spent_cents == 0


async def test_two_awards_at_the_same_moment_never_overspend(district: Services) -> None:
    room = LocalDriver(district)
    assert "$200" in await room.as_(DEE).command("policy", "set stipend_budget 200")
    fay, gil = await actor(district, FAY), await actor(district, GIL)
    _, ana_review = await under_review(district, ANA, FAY)
    _, ben_review = await under_review(district, BEN, GIL)
    await asyncio.gather(
        district.reviews.record(fay, ana_review, Decision.EARNED, PASSING),
        district.reviews.record(gil, ben_review, Decision.EARNED, PASSING),
    )
    stipends = sorted(e.pay_state for e in await _entries(district) if e.kind == "stipend")
    assert stipends == ["over_budget", "owed"]  # one is told the year's budget is spent
    budget = await district.ledger.budget((await actor(district, DEE)).district_id or 0)
    assert budget.spent_cents == 20000 and budget.left_cents == 0


async def test_status_shows_this_years_and_all_time_totals(district: Services) -> None:
    await earn(district, ANA)
    district.clock.set(JULY_1_MORNING)
    said = await LocalDriver(district).as_(ANA).command("status")
    assert "This fiscal year (2027-28): 0.0 in-service hours" in said
    assert "All time: 4.0 in-service hours, 6.0 CE points, $200 in stipends" in said


async def test_awards_made_before_the_ledger_get_their_entries(tmp_path: Path) -> None:
    """Migration 0012 backfills: an award from before the ledger is in it afterwards."""
    from coachbot.clock import VirtualClock
    from coachbot.composition import build
    from coachbot.importing.catalog_reader import read_catalog
    from coachbot.importing.roster_reader import read_roster
    from coachbot.settings import Settings
    from tests.conftest import FIXTURES, START

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    db = Database(url)
    await upgrade(db)
    await db.dispose()
    services = build(Settings(database_url=url, evidence_dir=tmp_path / "ev", _env_file=None),
                     VirtualClock(START))  # fmt: skip
    try:
        spec = read_catalog(FIXTURES / "small_catalog.yaml")
        await services.catalog.load(spec)
        await services.roster.load(
            spec.slug, read_roster(FIXTURES / "small_roster.csv", {s.code for s in spec.schools})
        )
        await earn(services, ANA)
        async with services.db.write() as session:
            await session.execute(delete(LedgerEntry))
        await downgrade(services.db, "0011")
        await upgrade(services.db)
        entries = [(e.kind, e.fiscal_year, e.pay_state) for e in await _entries(services)]
        assert entries == [
            ("hours", "2026-27", "credited"),
            ("points", "2026-27", "credited"),
            ("stipend", "2026-27", "owed"),
        ]
    finally:
        await services.aclose()
