"""A teacher whose paid stipend is to be recovered after a revocation is told, and her status
and the HR export tell the same story.

Found in a trial: the admin was told that the $200 payroll had paid was to be recovered, but the
teacher was not: her notice said nothing of it and her `status` had dropped the stipend, while
the export's ``teacher_total`` still counted it. Now the notice says so, with the batch, and her
status reads "$200 in stipends (to recover: $200)", as ``teacher_total`` counts it ($200), until
HR records it back.
"""

from __future__ import annotations

from pathlib import Path

from coachbot.composition import Services
from tests.adapters.local.test_terminal_trial import session
from tests.helpers import ANA, DEE, credential_link
from tests.services.awards.test_undoing import _exported
from tests.services.ledger.test_revoked_stipends import both_paid


def _anas_total(rows: list[dict[str, str]]) -> str:
    (total,) = [r for r in rows if r["row_type"] == "teacher_total" and r["employee_email"] == ANA]
    return total["stipend_amount"]


async def test_the_teacher_hears_her_paid_stipend_is_to_recover(
    district: Services, tmp_path: Path
) -> None:
    dee = await both_paid(district)
    revoke = f"revoke {await credential_link(district, ANA)} copied a colleague's video"
    await session(district, DEE, [revoke, "yes"])

    ana = await session(district, ANA, ["/quit"])
    waited, status = ana.split("Here's where you stand", 1)
    assert (
        "$200 already paid to you for it (payroll batch PAY-2027-01) is to be recovered; HR will"
        " be in touch." in waited
    )
    assert "$200 in stipends (to recover: $200)" in status
    assert _anas_total(await _exported(district, tmp_path, "2026-27")) == "200.00"

    (entry,) = [r["entry_id"] for r in await _exported(district, tmp_path, "2026-27")
                if r["pay_state"] == "to_recover"]  # fmt: skip
    await dee.command("stipends", f"recovered {entry}")
    status = await session(district, ANA, ["/quit"])
    assert "to recover" not in status and "in stipends" not in status
    assert _anas_total(await _exported(district, tmp_path, "2026-27")) == "0.00"
