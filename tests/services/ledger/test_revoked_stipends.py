"""A revoked credential's stipend, typed where a trial typed it (``revoke LINK REASON`` then
``stipends``, ``stipends approve``, ``stipends pay 2026-27 batch REF``): a reversed stipend is
never approved nor paid, and the replies add up to what ``stipends`` says; revoked after
payroll paid it, the admin is told which batch paid it and that it is to be recovered, the
money stays spent (in ``stipends``, the budget and the export alike) until HR records it back;
and every reversal row of the HR export reads as one."""

from __future__ import annotations

from pathlib import Path

from adapters.local.driver import LocalDriver, LocalPerson
from coachbot.composition import Services
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.helpers import ANA, BEN, DEE, credential_link, earn
from tests.services.awards.test_undoing import PATHWAY, _approved, _exported, _revoke


async def ana_and_ben_earned(district: Services) -> LocalPerson:
    """Ana and Ben each earn C-ONE (a $200 stipend owed); Dee, the admin, at the chat."""
    for email in (ANA, BEN):
        await earn(district, email)
    await onboarded(district, ANA, DEE)
    return LocalDriver(district).as_(DEE)


async def both_paid(district: Services) -> LocalPerson:
    """As ``ana_and_ben_earned``, then approved and paid in payroll batch PAY-2027-01."""
    dee = await ana_and_ben_earned(district)
    await dee.command("stipends", "approve 2026-27")
    await dee.command("stipends", "pay 2026-27 batch PAY-2027-01")
    return dee


async def _anas_link(district: Services) -> str:
    return await credential_link(district, ANA)


def _stipend_rows(rows: list[dict[str, str]], state: str) -> list[dict[str, str]]:
    return [r for r in rows if r["kind"] == "stipend" and r["pay_state"] == state]


def _dollars(rows: list[dict[str, str]]) -> float:
    return sum(float(r["stipend_amount"]) for r in rows)


async def test_a_revoked_stipend_is_never_approved_nor_paid(
    district: Services, tmp_path: Path
) -> None:
    for email in (ANA, BEN):
        await earn(district, email)
    await onboarded(district, ANA, DEE)
    revoke = f"revoke {await _anas_link(district)} copied a colleague's video"
    text = await session(district, DEE, [revoke, "yes"])
    assert "Revoked: *Questioning for Discourse* (Ana Teacher)" in text
    assert "already paid" not in text  # nothing was paid: nothing to recover

    dee = LocalDriver(district).as_(DEE)
    assert "Approved 1 stipend for 2026-27, $200 in all" in await dee.command(
        "stipends", "approve 2026-27"
    )
    figures = "$0 owed, $200 approved, $0 paid; budget left this fiscal year: $200 of $400."
    assert figures in await dee.command("stipends", "")
    # HR's recipe (pay_state approved, summed) pays what `stipends` says: Ana's reads reversed.
    rows = await _exported(district, tmp_path, "2026-27")
    assert _dollars(_stipend_rows(rows, "approved")) == 200
    assert [r["employee_email"] for r in _stipend_rows(rows, "reversed")] == [ANA]

    paid = await dee.command("stipends", "pay 2026-27 batch PAY-2027-01")
    assert "Recorded 1 stipend for 2026-27 as paid in batch PAY-2027-01, $200 in all" in paid
    assert "$0 owed, $0 approved, $200 paid;" in await dee.command("stipends", "")
    rows = await _exported(district, tmp_path, "2026-27")
    assert [r["employee_email"] for r in _stipend_rows(rows, "paid")] == [BEN]


async def test_revoked_after_payroll_paid_it_the_money_is_to_recover(
    district: Services, tmp_path: Path
) -> None:
    dee = await both_paid(district)

    revoke = f"revoke {await _anas_link(district)} copied a colleague's video"
    text = await session(district, DEE, [revoke, "yes"])
    # Told before the yes (a trial admin learned it only after confirming), then again after.
    asked, done = text.split("[1] Yes, revoke it")
    assert (
        "Before you answer: its stipend was already paid, $200 in batch PAY-2027-01. Revoking"
        " doesn't take paid money back: it will be marked to recover, for HR to get back from"
        " Ana Teacher" in asked
    )
    assert "Revoked:" not in asked and "Revoked: *Questioning for Discourse*" in done
    assert (
        "Its stipend money, $200, was already paid in batch PAY-2027-01 and is to be recovered."
        in text
    )
    assert 'The ledger export marks it "to_recover" (entry 9)' in text
    # Spent stays spent until it comes back: `stipends`, the budget and the export agree.
    assert (
        "$0 owed, $0 approved, $400 paid (to recover: $200); "
        "budget left this fiscal year: $0 of $400." in await dee.command("stipends", "")
    )
    rows = await _exported(district, tmp_path, "2026-27")
    # docs/ledger.md: paid = the "paid" rows, plus what is to recover (money still out).
    (recover,) = _stipend_rows(rows, "to_recover")
    assert _dollars(_stipend_rows(rows, "paid")) - _dollars([recover]) == 400
    assert recover["stipend_amount"] == "-200.00" and recover["employee_email"] == ANA
    assert recover["credential_code"] == "C-ONE"
    assert recover["batch_ref"] == "PAY-2027-01"  # the batch to recover it from, on its row

    # Entry 1 is Ana's hours, not a paid stipend: nothing to recover there, nothing changes.
    assert "No paid stipend waits to be recovered under entry 1:" in await dee.command(
        "stipends", "recovered 1"
    )
    back = await dee.command("stipends", f"recovered {recover['entry_id']}")
    assert "Recorded: $200 paid in batch PAY-2027-01 is recovered" in back
    assert "$0 owed, $0 approved, $200 paid; budget left this fiscal year: $200 of $400." in back
    rows = await _exported(district, tmp_path, "2026-27")
    assert [r["pay_state"] for r in rows if r["reverses_entry_id"] and r["kind"] == "stipend"] == [
        "recovered"
    ]
    assert "Add the ledger entry to recover" in await dee.command("stipends", "recovered")


async def test_every_reversal_row_in_the_export_reads_as_one(
    district: Services, tmp_path: Path
) -> None:
    await _approved(district)  # Ana's pathway salary step, granted by the committee
    await _revoke(district, "C-ONE")
    rows = await _exported(district, tmp_path, "2026-27")
    reversals = [r for r in rows if r["row_type"] == "reversal"]
    assert reversals and all(r["reverses_entry_id"] for r in reversals)
    assert {r["pay_state"] for r in reversals} == {"reversal"}
    by_id = {r["entry_id"]: r for r in rows if r["row_type"] == "entry"}
    for row in reversals:  # named by what it takes back, which names it back
        reversed_row = by_id[row["reverses_entry_id"]]
        assert row["credential_code"] and row["credential_code"] == reversed_row["credential_code"]
        assert row["credential_title"] == reversed_row["credential_title"]
        # Whatever its kind (hours, points, stipend, salary step), the original reads the same.
        assert reversed_row["pay_state"] == "reversed", reversed_row["kind"]
        assert reversed_row["reversed_by_entry_id"] == row["entry_id"]
    assert {by_id[r["reverses_entry_id"]]["kind"] for r in reversals} >= {
        "hours", "points", "stipend", "salary_step"
    }  # fmt: skip
    # HR filtering "credited" no longer sees the raise, nor the revoked credential's hours.
    credited = [r for r in rows if r["pay_state"] == "credited" and r["employee_email"] == ANA]
    assert credited and not [r for r in credited if r["kind"] == "salary_step"]
    assert not [r for r in credited if r["credential_code"] == "C-ONE"]
    (step,) = [r for r in reversals if r["kind"] == "salary_step"]
    assert step["salary_step"] == "Reversal of +5%"
    assert (step["credential_code"], step["credential_title"]) == ("P-ENDORSE", PATHWAY)
