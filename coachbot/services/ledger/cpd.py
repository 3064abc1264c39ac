"""CPD units after a revocation: "one CPD unit per N credentials" counts what still counts.

At award time the N-th, 2N-th, ... credential carries a unit (``credit_for_award``). When a
credential is revoked its own entries are reversed (``reversing``), which alone can be wrong
both ways: revoking the one that carried a unit of 13 credentials leaves 5 units for 12
(should be 6), and revoking one that carried none of 4 leaves 2 units for 3 (should be 1).

So, after the reversal, the teacher's credited units are brought back to
``floor(credentials that still count / N)``, append-only: a missing unit is a fresh credited
entry on the most recent remaining credential without one (the credential that now completes
the count carries it); a unit too many is a reversal of the most recent carrier's unit. The
teacher's status, the export's ``teacher_total`` and HR's rule (sum of ``cpd_units`` where
``pay_state = credited``) then all read ``floor(remaining / N)``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.ledger import EntryKind, PayState
from coachbot.domain.policy import DistrictPolicy
from coachbot.storage.codec import currency_from_json
from coachbot.storage.models import Award, CredentialRow, LedgerEntry, Person, School

CPD = EntryKind.CPD_UNITS.value


async def units_per(session: AsyncSession, policy: DistrictPolicy, award: Award) -> int | None:
    """N of "one CPD unit per N credentials" for the revoked award's credential, as awarding
    read it (the credential's currency or the district's, plus the teacher's school's)."""
    credential = await session.get(CredentialRow, award.credential_id)
    base = (
        currency_from_json(credential.currency)
        if credential is not None and credential.currency
        else policy.currency
    )
    school = await session.scalar(
        select(School.code).join(Person, Person.school_id == School.id)
        .where(Person.id == award.teacher_id)
    )  # fmt: skip
    return policy.currency_at(base, school).cpd_units_per


async def rebalance_cpd(
    session: AsyncSession, now: datetime, award: Award, per: int, year: str, reason: str
) -> int:
    """Inside the revocation's transaction (district locked), after the award's own entries
    were reversed: write what brings the teacher's CPD units to ``floor(remaining / per)``;
    returns how many entries were written (0 when the count already holds, so it is
    idempotent)."""
    remaining = list(
        await session.scalars(
            select(Award.id)
            .where(Award.teacher_id == award.teacher_id, Award.revoked_at.is_(None))
            .order_by(Award.awarded_at, Award.id)
        )
    )
    held = {
        award_id: float(net or 0)
        for award_id, net in await session.execute(
            select(LedgerEntry.award_id, func.sum(LedgerEntry.quantity))
            .where(LedgerEntry.teacher_id == award.teacher_id, LedgerEntry.kind == CPD)
            .group_by(LedgerEntry.award_id)
        )
    }
    total = sum(held.values())
    target = len(remaining) // per
    written = 0
    why = f"CPD units recounted ({len(remaining)} credentials, 1 per {per}): {reason}"
    # Most recent first: the credential that now completes the count, or the last carrier.
    for award_id in reversed(remaining):
        if total < target and held.get(award_id, 0.0) <= 0:
            session.add(_entry(award, award_id, 1.0, year, now, why))
        elif total > target and held.get(award_id, 0.0) > 0:
            carried = await _carried(session, award_id)
            if carried is None:
                continue
            session.add(_entry(award, award_id, -carried.quantity, year, now, why, carried.id))
        else:
            continue
        total += 1 if total < target else -1
        written += 1
        if total == target:
            break
    return written


async def _carried(session: AsyncSession, award_id: int) -> LedgerEntry | None:
    """The award's latest CPD entry not taken back yet (what a unit too many reverses)."""
    done = select(LedgerEntry.reverses_id).where(
        LedgerEntry.award_id == award_id, LedgerEntry.reverses_id.is_not(None)
    )
    return await session.scalar(
        select(LedgerEntry)
        .where(
            LedgerEntry.award_id == award_id, LedgerEntry.kind == CPD,
            LedgerEntry.reverses_id.is_(None), LedgerEntry.quantity > 0,
            LedgerEntry.id.not_in(done),
        )
        .order_by(LedgerEntry.id.desc())
        .limit(1)
    )  # fmt: skip


def _entry(
    revoked: Award, award_id: int, quantity: float, year: str, now: datetime, reason: str,
    reverses: int | None = None,
) -> LedgerEntry:  # fmt: skip
    return LedgerEntry(
        district_id=revoked.district_id, teacher_id=revoked.teacher_id, award_id=award_id,
        kind=CPD, quantity=quantity, amount_cents=0, detail="", fiscal_year=year,
        entered_on=now, pay_state=PayState.CREDITED.value, reverses_id=reverses, reason=reason,
    )  # fmt: skip
