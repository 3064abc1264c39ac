"""Granting what a pathway brings (a role, a salary step, a stipend), now or when its
committee's quorum approves, under the district's rules that tie money to process.

A salary step is refused when the district requires pre-approval for salary advancement and a
credential that counted toward the pathway was never pre-approved (Kettle Moraine). A stipend
outcome spends the year's budget like an award's stipend does, under the district's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.catalog import Outcome, OutcomeKind
from coachbot.domain.ledger import EntryKind, PayState
from coachbot.domain.policy import Committee, DistrictPolicy
from coachbot.domain.roles import Role
from coachbot.services.ledger.entries import lock_district, room_for_stipend, year_of
from coachbot.storage.models import (
    AuditEvent,
    Award,
    Completion,
    CredentialRow,
    LedgerEntry,
    PathwayAreaCredential,
    PathwayRow,
    Person,
    RoleGrantRow,
)
from coachbot.storage.models import PathwayArea as PathwayAreaRow

DEFAULT_COMMITTEE = Committee("District admins", role=Role.DISTRICT_ADMIN, quorum=1)


@dataclass(frozen=True)
class Granted:
    granted: bool
    not_preapproved: tuple[str, ...] = ()  # credentials that kept a salary step back
    over_budget: bool = False
    held_by: str = ""  # "cap" (the teacher's yearly cap) or "budget" (the year's), when held


def committee_for(policy: DistrictPolicy, outcome: Outcome) -> Committee:
    """The committee an outcome names, else the catalog's first, else the district admins."""
    if outcome.committee:
        named = policy.committee(outcome.committee)
        if named is not None:
            return named
    return policy.committees[0] if policy.committees else DEFAULT_COMMITTEE


async def grant_role(
    session: AsyncSession, person_id: int, role: Role, completion_id: int | None = None
) -> None:
    """Grant ``role`` district-wide unless held already; the grant names the completion that
    made it, so that undoing that completion takes back this grant and no other."""
    person = await session.get(Person, person_id)
    assert person is not None
    if not any(g.role == role.value and g.school_id is None for g in person.grants):
        session.add(RoleGrantRow(
            person_id=person_id, role=role.value, school_id=None, completion_id=completion_id
        ))  # fmt: skip


async def not_preapproved(session: AsyncSession, teacher_id: int, pathway_id: int) -> list[str]:
    """The pathway's credentials the teacher earned without pre-approval, by code."""
    earned = (
        await session.execute(
            select(CredentialRow.code, Award.pursuit_id)
            .join(Award, Award.credential_id == CredentialRow.id)
            .join(PathwayAreaCredential, PathwayAreaCredential.credential_id == CredentialRow.id)
            .join(PathwayAreaRow, PathwayAreaRow.id == PathwayAreaCredential.area_id)
            .where(Award.teacher_id == teacher_id, PathwayAreaRow.pathway_id == pathway_id)
            .order_by(CredentialRow.code)
        )
    ).all()
    approved = set(
        await session.scalars(
            select(AuditEvent.subject_id).where(
                AuditEvent.subject_type == "pursuit",
                AuditEvent.action == "approve",
                AuditEvent.subject_id.in_([pursuit for _, pursuit in earned]),
            )
        )
    )
    return sorted({code for code, pursuit in earned if pursuit not in approved})


async def grant_outcome(
    session: AsyncSession, now: datetime, policy: DistrictPolicy, completion: Completion,
    outcome: Outcome,
) -> Granted:  # fmt: skip
    """Grant ``outcome`` of the completed pathway, in the caller's transaction."""
    if outcome.kind is OutcomeKind.ROLE:
        await grant_role(session, completion.teacher_id, Role(outcome.value), completion.id)
        return Granted(True)
    if outcome.kind not in (OutcomeKind.SALARY_STEP, OutcomeKind.STIPEND):
        return Granted(True)  # recognition: the completion itself is the record
    pathway = await session.get(PathwayRow, completion.subject_id)
    assert pathway is not None
    district = await lock_district(session, pathway.district_id)
    year = year_of(policy, now)
    entry = LedgerEntry(
        district_id=district.id, teacher_id=completion.teacher_id, completion_id=completion.id,
        quantity=0.0, amount_cents=0, detail=pathway.code, fiscal_year=year, entered_on=now,
        pay_state=PayState.CREDITED.value,
    )  # fmt: skip
    if outcome.kind is OutcomeKind.SALARY_STEP:
        if policy.salary_needs_preapproval:
            missing = await not_preapproved(session, completion.teacher_id, pathway.id)
            if missing:
                return Granted(False, tuple(missing))
        entry.kind, entry.quantity, entry.detail = EntryKind.SALARY_STEP.value, 1.0, outcome.value
        session.add(entry)
        return Granted(True)
    cents = _cents(outcome.value)
    left, cap_left = await room_for_stipend(
        session, policy, district.id, completion.teacher_id, year
    )
    # As for an award: a cap reached is said first, then a spent budget.
    held_by = (
        "cap" if cap_left is not None and cents > cap_left
        else "budget" if left is not None and cents > left
        else ""
    )  # fmt: skip
    entry.kind, entry.amount_cents = EntryKind.STIPEND.value, cents
    entry.pay_state = (PayState.OVER_BUDGET if held_by else PayState.OWED).value
    session.add(entry)
    return Granted(True, over_budget=bool(held_by), held_by=held_by)


def _cents(value: str) -> int:
    """A stipend outcome's value: cents ("50000") or dollars ("$500", "500.00")."""
    text = value.strip().replace(",", "")
    if text.startswith("$") or "." in text:
        return round(float(text.lstrip("$")) * 100)
    return int(text) if text.isdigit() else 0
