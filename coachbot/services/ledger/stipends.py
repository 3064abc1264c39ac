"""Stipends on their way to payroll: owed -> approved (HR agrees to pay them) -> paid (in a
named batch). Each move is one conditional update, so two people approving the same year at
once move each stipend once, and nothing paid ever goes back to owed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.errors import InvalidInput
from coachbot.domain.ledger import EntryKind, PayState, parse_year
from coachbot.domain.roles import Actor
from coachbot.services.record import audit
from coachbot.storage.models import LedgerEntry


@dataclass(frozen=True)
class Moved:
    fiscal_year: str
    count: int
    cents: int
    to: str  # approved | paid
    batch: str | None = None


async def move_stipends(
    session: AsyncSession,
    now: datetime,
    actor: Actor,
    district_id: int,
    year: str,
    *,
    to: PayState,
    batch: str | None = None,
) -> Moved:
    parse_year(year)
    if to is PayState.PAID and not (batch or "").strip():
        raise InvalidInput(field="batch", hint="batch_needed")
    before = PayState.OWED if to is PayState.APPROVED else PayState.APPROVED
    which = (
        LedgerEntry.district_id == district_id,
        LedgerEntry.fiscal_year == year,
        LedgerEntry.kind == EntryKind.STIPEND.value,
        LedgerEntry.pay_state == before.value,
    )
    cents = int(
        await session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(*which)
        )
        or 0
    )
    values: dict[str, object] = {"pay_state": to.value}
    if to is PayState.APPROVED:
        values["approved_at"] = now
    else:
        values |= {"paid_at": now, "batch_ref": (batch or "").strip()[:100]}
    result = await session.execute(
        update(LedgerEntry)
        .where(*which)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        audit.record(
            session, at=now, actor=actor, district_id=district_id, subject_type="district",
            subject_id=district_id, action=f"stipends_{to.value}",
            details={"fiscal_year": year, "count": count, "cents": cents, "batch": batch},
        )  # fmt: skip
    return Moved(year, count, cents if count else 0, to.value, batch)
