"""The HR export's exact bytes: payroll systems import the file as it is, so a faster export
must write the very same file (quoting, number and money formats, totals, reversals)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.services.ledger.export import export_ledger
from coachbot.storage.models import Award, LedgerEntry, Person
from tests.helpers import ANA, BEN, DEE, actor, earn

WHEN = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
# Written by the export before it was made faster; rewritten on purpose when every reversed
# entry came to read "reversed" (naming its reversal, last column), reversal rows "reversal"
# and a paid stipend's reversal its batch. CRLF line ends, as csv writes them.
GOLDEN = Path(__file__).with_name("ledger-2026-27.golden.csv")


async def _year_with_every_kind_of_entry(district: Services) -> int:
    """Two teachers' awards, one reversed, stipends paid in a batch, and entries of the
    kinds awards do not write here (CPD units, graduate credits, salary steps, a refund)."""
    for email in (ANA, BEN):
        await earn(district, email)
    dee = await actor(district, DEE)
    district_id = dee.district_id or 0
    await district.ledger.approve_stipends(dee, district_id, "2026-27")
    await district.ledger.pay_stipends(dee, district_id, "2026-27", 'PAY "7", batch')
    async with district.db.read() as session:
        award_id = await session.scalar(select(Award.id).order_by(Award.id))
        ben = await session.scalar(select(Person.id).where(Person.email == BEN))
    assert award_id is not None and ben is not None
    await district.ledger.reverse(award_id, "evidence, copied\nfrom a colleague")
    extra = [
        ("cpd_units", 1.0, 0, "", "credited"),
        ("graduate_credits", 0.5, 0, "", "credited"),
        ("salary_step", 1.0, 0, "Step 2 (+5%)", "credited"),
        ("salary_step", 1.0, 0, "Lead teacher", "credited"),
        ("salary_step", -1.0, 0, "Step 2 (+5%)", "credited"),
        ("stipend", 0.0, 1234567, "", "over_budget"),
        ("stipend", 0.0, -5, "", "owed"),
    ]
    async with district.db.write() as session:
        added = []
        for kind, quantity, cents, detail, state in extra:
            added.append(LedgerEntry(
                district_id=district_id, teacher_id=ben, award_id=None, completion_id=None,
                kind=kind, quantity=quantity, amount_cents=cents, detail=detail,
                fiscal_year="2026-27", entered_on=WHEN, pay_state=state,
            ))  # fmt: skip
            session.add(added[-1])
            await session.flush()
        # The step's take-back is a reversal, as revoking writes it: it names what it reverses.
        added[4].reverses_id, added[4].reason = added[2].id, "pathway undone"
    return district_id


async def test_the_export_is_byte_for_byte_the_documented_file(
    district: Services, tmp_path: Path
) -> None:
    district_id = await _year_with_every_kind_of_entry(district)
    out = tmp_path / "ledger.csv"
    done = await export_ledger(district.db, district_id, "2026-27", out)
    expected = GOLDEN.read_bytes()
    assert out.read_bytes() == expected
    rows = expected.count(b"\r\nentry,") + expected.count(b"\r\nreversal,")
    assert (done.entries, done.teachers) == (rows, 2)
