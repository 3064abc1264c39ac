"""Taking credit back: a revoked award's entries (and those of a stack or pathway completion it
undid) are reversed by new, negative entries.

Nothing already in the ledger is edited. A reversal is dated when it happens (in that day's
fiscal year), so last year's export stays what HR paid from, and this year's shows the
take-back. Reversing twice does nothing the second time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.ledger import PayState
from coachbot.domain.roles import Actor
from coachbot.services.ledger.cpd import rebalance_cpd, units_per
from coachbot.services.ledger.entries import lock_district, year_of
from coachbot.services.record import audit
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import Award, Completion, District, LedgerEntry, Person

# The state of a reversal by the state of the entry it takes back (anything else: "reversal").
_REVERSAL_STATE = {
    PayState.CREDITED.value: PayState.CREDITED.value,
    PayState.OVER_BUDGET.value: PayState.OVER_BUDGET.value,
    PayState.PAID.value: PayState.TO_RECOVER.value,
}


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
    written = await _reverse(
        session, now, actor, award.district_id, LedgerEntry.award_id == award_id, reason,
        subject=("award", award_id),
    )  # fmt: skip
    if award.revoked_at is None:
        return written  # reversed without revoking (a correction): the count is unchanged
    # "1 CPD unit per N credentials" is recounted on what still counts (see ``cpd``).
    district = await session.get(District, award.district_id)
    assert district is not None  # locked by ``_reverse``
    policy = policy_from_json(district.policy)
    per = await units_per(session, policy, award)
    if per:
        recounted = await rebalance_cpd(session, now, award, per, year_of(policy, now), reason)
        if recounted:
            audit.record(
                session, at=now, actor=actor, district_id=award.district_id,
                subject_type="award", subject_id=award_id, action="recount_cpd",
                reason=reason, details={"entries": recounted},
            )  # fmt: skip
        written += recounted
    return written


async def reverse_completion(
    session: AsyncSession, now: datetime, actor: Actor, completion: Completion, reason: str
) -> int:
    """Inside the caller's transaction: the same for what a stack or pathway completion
    brought (a salary step, a stipend), once it no longer holds."""
    district_id = await session.scalar(
        select(Person.district_id).where(Person.id == completion.teacher_id)
    )
    assert district_id is not None  # a completion's teacher is a person of a district
    return await _reverse(
        session, now, actor, district_id, LedgerEntry.completion_id == completion.id, reason,
        subject=("completion", completion.id),
    )  # fmt: skip


def reversal_state(pay_state: str) -> str:
    """The state of the entry that takes back one in ``pay_state``. A stipend never spent (over
    budget) is taken back without freeing budget; one already paid is money out until HR
    recovers it ("to_recover": it stays spent till then)."""
    return _REVERSAL_STATE.get(pay_state, PayState.REVERSAL.value)


async def unreversed(session: AsyncSession, scope: ColumnElement[bool]) -> list[LedgerEntry]:
    """The entries in ``scope`` not taken back yet, oldest first: what a reversal writes a
    negative entry for, and what the revocation's preview says will be taken back."""
    originals = await session.scalars(
        select(LedgerEntry).where(scope, LedgerEntry.reverses_id.is_(None)).order_by(LedgerEntry.id)
    )
    done = set(
        await session.scalars(
            select(LedgerEntry.reverses_id).where(scope, LedgerEntry.reverses_id.is_not(None))
        )
    )
    return [entry for entry in originals if entry.id not in done]


async def _reverse(
    session: AsyncSession, now: datetime, actor: Actor, district_id: int,
    scope: ColumnElement[bool], reason: str, *, subject: tuple[str, int],
) -> int:  # fmt: skip
    district = await lock_district(session, district_id)  # the budget changes
    # Dated by the district's own day: 23:30 on June 30 in its zone is that fiscal year.
    year = year_of(policy_from_json(district.policy), now)
    written = 0
    for entry in await unreversed(session, scope):
        state = reversal_state(entry.pay_state)
        # Money to recover belongs to the payroll batch that paid it: HR's row says which.
        batch = entry.batch_ref if state == PayState.TO_RECOVER.value else None
        session.add(
            LedgerEntry(
                district_id=entry.district_id, teacher_id=entry.teacher_id,
                award_id=entry.award_id, completion_id=entry.completion_id, kind=entry.kind,
                quantity=-entry.quantity, amount_cents=-entry.amount_cents, detail=entry.detail,
                fiscal_year=year, entered_on=now, pay_state=state, batch_ref=batch,
                reverses_id=entry.id, reason=reason,
            )
        )  # fmt: skip
        written += 1
    if written:
        kind, subject_id = subject
        audit.record(
            session, at=now, actor=actor, district_id=district_id, subject_type=kind,
            subject_id=subject_id, action="reverse_credit", reason=reason,
            details={"entries": written, "fiscal_year": year},
        )  # fmt: skip
    return written
