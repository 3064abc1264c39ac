"""Taking credit back: a revoked award's entries are reversed by new, negative entries.

Nothing already in the ledger is edited. A reversal is dated when it happens (in that day's
fiscal year), so last year's export stays what HR paid from, and this year's shows the
take-back. Reversing twice does nothing the second time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.ledger import PayState
from coachbot.domain.roles import Actor
from coachbot.services.ledger.entries import lock_district, year_of
from coachbot.services.record import audit
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import Award, LedgerEntry


class CreditReversal(Protocol):
    """What revoking an award calls so that the credit it brought is taken back."""

    async def reverse(self, award_id: int, reason: str) -> int:
        """Reverse every credit of ``award_id``; returns how many entries were written."""
        ...


async def reverse_award(
    session: AsyncSession, now: datetime, actor: Actor, award_id: int, reason: str
) -> int:
    """Inside the caller's transaction: one negative entry for each of the award's entries not
    reversed yet; returns how many were written (0: nothing left to reverse)."""
    award = await session.get(Award, award_id)
    if award is None:
        return 0
    district = await lock_district(session, award.district_id)  # the budget changes
    year = year_of(policy_from_json(district.policy), now)
    originals = list(
        await session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.award_id == award_id, LedgerEntry.reverses_id.is_(None))
            .order_by(LedgerEntry.id)
        )
    )
    done = set(
        await session.scalars(
            select(LedgerEntry.reverses_id).where(
                LedgerEntry.award_id == award_id, LedgerEntry.reverses_id.is_not(None)
            )
        )
    )
    written = 0
    for entry in originals:
        if entry.id in done:
            continue
        # A stipend never spent (over budget) is taken back without freeing budget.
        state = (
            entry.pay_state
            if entry.pay_state in (PayState.CREDITED.value, PayState.OVER_BUDGET.value)
            else PayState.REVERSAL.value
        )
        session.add(
            LedgerEntry(
                district_id=entry.district_id, teacher_id=entry.teacher_id, award_id=award_id,
                completion_id=entry.completion_id, kind=entry.kind, quantity=-entry.quantity,
                amount_cents=-entry.amount_cents, detail=entry.detail, fiscal_year=year,
                entered_on=now, pay_state=state, reverses_id=entry.id, reason=reason,
            )
        )  # fmt: skip
        written += 1
    if written:
        audit.record(
            session, at=now, actor=actor, district_id=award.district_id, subject_type="award",
            subject_id=award_id, action="reverse_credit", reason=reason,
            details={"entries": written, "fiscal_year": year},
        )  # fmt: skip
    return written
