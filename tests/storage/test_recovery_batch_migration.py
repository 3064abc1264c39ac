"""Migration 0015 on SQLite and PostgreSQL: a paid stipend's reversal written before it (with
no batch of its own) names, in HR's export, the payroll batch that paid the stipend."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select, update

from coachbot.composition import Services
from coachbot.services.ledger.export import export_ledger
from coachbot.storage.models import Award, LedgerEntry
from coachbot.storage.schema import current_revision, downgrade, head_revision, upgrade
from tests.helpers import ANA, DEE, actor, earn


async def test_an_old_to_recover_row_gets_the_batch_that_paid_it(
    district: Services, tmp_path: Path
) -> None:
    await earn(district, ANA)
    dee = await actor(district, DEE)
    district_id = dee.district_id or 0
    await district.ledger.approve_stipends(dee, district_id, "2026-27")
    await district.ledger.pay_stipends(dee, district_id, "2026-27", "PAY-2027-01")
    async with district.db.read() as session:
        award_id = await session.scalar(select(Award.id))
    assert award_id is not None
    await district.ledger.reverse(award_id, "copied")
    async with district.db.write() as session:  # as a reversal was written before 0015
        await session.execute(
            update(LedgerEntry).where(LedgerEntry.reverses_id.is_not(None)).values(batch_ref=None)
        )

    await downgrade(district.db, "0014")
    await upgrade(district.db)

    assert await current_revision(district.db) == head_revision()
    out = tmp_path / "ledger.csv"
    await export_ledger(district.db, district_id, "2026-27", out)
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    (back,) = [r for r in rows if r["pay_state"] == "to_recover"]
    assert back["batch_ref"] == "PAY-2027-01"
    # Only the stipend's reversal: the hours' and points' reversals have no batch to carry.
    assert [r["batch_ref"] for r in rows if r["pay_state"] == "reversal"] == ["", ""]
