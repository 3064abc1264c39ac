"""Stipends on their way to payroll: owed -> approved (HR agrees to pay them) -> paid (in a
named batch). Each move is one conditional update, so two people approving the same year at
once move each stipend once, and nothing paid ever goes back to owed.

A stipend a reversal took back (a revoked award) never moves: it is not to be approved nor
paid. A reversal of a stipend already paid is money to recover until HR records that it came
back (``to_recover`` -> ``recovered``). Each move holds the district's lock, as revoking
does, so a stipend is never paid while its reversal is being written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.errors import InvalidInput
from coachbot.domain.ledger import EntryKind, PayState, parse_year
from coachbot.domain.roles import Actor
from coachbot.services.ledger.entries import lock_district
from coachbot.services.record import audit
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import AuditEvent, LedgerEntry


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
    await lock_district(session, district_id)  # a revocation reverses under it too
    # Revocations are few: the ids they took back are one small list, read once.
    reversed_ids = (
        select(LedgerEntry.reverses_id)
        .where(
            LedgerEntry.district_id == district_id,
            LedgerEntry.kind == EntryKind.STIPEND.value,
            LedgerEntry.reverses_id.is_not(None),
        )
        .scalar_subquery()
    )
    which = (
        LedgerEntry.district_id == district_id,
        LedgerEntry.fiscal_year == year,
        LedgerEntry.kind == EntryKind.STIPEND.value,
        LedgerEntry.pay_state == before.value,
        LedgerEntry.id.not_in(reversed_ids),
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


@dataclass(frozen=True)
class Recovered:
    """A paid stipend's reversal recorded as recovered (``cents`` is what came back)."""

    entry_id: int
    cents: int
    batch: str  # the payroll batch that had paid it
    ref: str = ""  # HR's reference for the recovery, if one was given
    # Set when it had already been recorded recovered (nothing changed this time): the day,
    # in the district's time zone, it was recorded; ``ref`` is then the reference it got.
    already_on: date | None = None


async def mark_recovered(
    session: AsyncSession, now: datetime, actor: Actor, district_id: int, entry_id: int,
    ref: str = "",
) -> Recovered | None:  # fmt: skip
    """HR got a paid stipend back: its reversal (named by its own id or by the paid entry's)
    moves from to_recover to recovered, and the budget gets the money back. ``ref``, HR's
    reference for the recovery (optional), becomes the reversal's batch_ref; without one it
    keeps the batch that paid the stipend. Recording it twice changes nothing: the answer
    then has ``already_on``. None: no such stipend in this district, recovered or waiting
    (nothing changes)."""
    district = await lock_district(session, district_id)
    reversal = await session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.district_id == district_id,
            LedgerEntry.pay_state.in_((PayState.TO_RECOVER.value, PayState.RECOVERED.value)),
            (LedgerEntry.id == entry_id) | (LedgerEntry.reverses_id == entry_id),
        )
    )
    if reversal is None:
        return None
    paid = await session.get(LedgerEntry, reversal.reverses_id)
    batch = (paid.batch_ref if paid is not None else None) or ""
    if reversal.pay_state == PayState.RECOVERED.value:
        zone = ZoneInfo(policy_from_json(district.policy).timezone)
        when = await _recorded_at(session, district_id, reversal.id) or reversal.entered_on
        when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        earlier = reversal.batch_ref if reversal.batch_ref != batch else ""
        return Recovered(
            reversal.id, -reversal.amount_cents, batch, earlier or "",
            already_on=when.astimezone(zone).date(),
        )  # fmt: skip
    ref = " ".join(ref.split())[:100]
    reversal.pay_state = PayState.RECOVERED.value
    reversal.batch_ref = ref or reversal.batch_ref or batch or None
    audit.record(
        session, at=now, actor=actor, district_id=district_id, subject_type="district",
        subject_id=district_id, action="stipend_recovered",
        details={"entry": reversal.id, "reverses": reversal.reverses_id,
                 "cents": -reversal.amount_cents, "batch": batch, "ref": ref},
    )  # fmt: skip
    return Recovered(reversal.id, -reversal.amount_cents, batch, ref)


async def _recorded_at(session: AsyncSession, district_id: int, entry_id: int) -> datetime | None:
    """When HR's recovery of ``entry_id`` was recorded: its audit event (recoveries are few
    per district, so they are read and matched here rather than inside the JSON)."""
    for at, details in await session.execute(
        select(AuditEvent.occurred_at, AuditEvent.details)
        .where(
            AuditEvent.district_id == district_id, AuditEvent.subject_type == "district",
            AuditEvent.subject_id == district_id, AuditEvent.action == "stipend_recovered",
        )
        .order_by(AuditEvent.id.desc())
    ):  # fmt: skip
        if (details or {}).get("entry") == entry_id:
            return at
    return None
