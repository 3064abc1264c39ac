"""A teacher's yearly stipend cap after a revocation (a trial: a stipend taken back still
filled the cap, so the teacher's next stipend that year was held back).

The rule (docs/ledger.md): a stipend reversed before it was paid frees the cap at once; one
paid and then reversed ("to recover") keeps filling it while the money is out, and frees it
once HR records it recovered; a reversal counts in the fiscal year of the stipend it takes
back, so revoking last year's stipend never widens this year's cap."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.domain.catalog import PartKind
from coachbot.domain.evidence import EvidencePart
from coachbot.storage.models import LedgerEntry
from tests.helpers import ANA, DEE, REFLECTION, actor, credential_link, earn, earn_with
from tests.services.ledger.test_money_rules import _credits, _load

TWO = {"Adjustment": "Proficient"}
PARTS = [EvidencePart("Reflection", PartKind.TEXT, text=REFLECTION)]


async def _capped_and_revoked(district: Services, tmp_path: Path) -> None:
    """Under a $200 cap Ana earns C-ONE's $200, which is then revoked."""
    await _load(district, tmp_path, "  stipend_cap_per_teacher: 200\n")
    await earn(district, ANA)


async def _revoke_c_one(district: Services) -> None:
    await district.credentials.revoke(await credential_link(district, ANA, "C-ONE"), "in error")


async def _next_stipend(district: Services) -> str:
    """The pay state of the $200 Ana earns next (C-TWO)."""
    await earn_with(district, ANA, "C-TWO", PARTS, TWO)
    return (await _credits(district, ANA, "stipend"))[-1][2]


async def _pay_the_year(district: Services) -> None:
    dee = await actor(district, DEE)
    year = (await district.ledger.budget(dee.district_id or 0)).fiscal_year
    await district.ledger.approve_stipends(dee, dee.district_id or 0, year)
    await district.ledger.pay_stipends(dee, dee.district_id or 0, year, "PAY-1")


async def test_a_stipend_reversed_before_it_was_paid_frees_the_cap(
    district: Services, tmp_path: Path
) -> None:
    await _capped_and_revoked(district, tmp_path)
    await _revoke_c_one(district)
    assert await _next_stipend(district) == "owed"


async def test_a_paid_stipend_to_recover_fills_the_cap_until_it_is_recovered(
    district: Services, tmp_path: Path
) -> None:
    await _capped_and_revoked(district, tmp_path)
    await _pay_the_year(district)
    await _revoke_c_one(district)
    assert await _next_stipend(district) == "over_budget"  # the $200 is still out: held back

    # HR gets the $200 back: the cap has room again, for her next stipend this year.
    dee = await actor(district, DEE)
    paid = await _entry_ids(district, "paid")
    assert await district.ledger.recovered(dee, dee.district_id or 0, paid[0]) is not None
    await earn_with(district, ANA, "C-COACH", PARTS, {"Listening": "Proficient"})
    assert (await _credits(district, ANA, "stipend"))[-1][2] == "owed"


async def test_revoking_last_years_stipend_does_not_widen_this_years_cap(
    district: Services, tmp_path: Path
) -> None:
    """The year turns on October 1 here: C-ONE's $200 is 2025-26's; revoked in 2026-27, its
    reversal frees 2025-26's cap, not 2026-27's: one $200 fits this year, not two."""
    await _load(
        district, tmp_path, '  stipend_cap_per_teacher: 200\n  fiscal_year_starts: "10-01"\n'
    )
    await earn(district, ANA)
    district.clock.set(OCTOBER_5)
    await _revoke_c_one(district)
    assert await _next_stipend(district) == "owed"
    await earn_with(district, ANA, "C-COACH", PARTS, {"Listening": "Proficient"})
    assert (await _credits(district, ANA, "stipend"))[-1][2] == "over_budget"


OCTOBER_5 = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)


async def _entry_ids(district: Services, state: str) -> list[int]:
    async with district.db.read() as session:
        return list(await session.scalars(
            select(LedgerEntry.id).where(
                LedgerEntry.kind == "stipend", LedgerEntry.pay_state == state
            ).order_by(LedgerEntry.id)
        ))  # fmt: skip
