"""What the record says about a pursuit's pre-approval: the teacher's latest request, the
latest decision on it, and who may decide it. Read inside any session (a decision's own
transaction, or a read model's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.journey import Move
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import (
    AuditEvent,
    CredentialRow,
    District,
    Person,
    Pursuit,
    RoleGrantRow,
)

DECISION_MOVES = (Move.APPROVE, Move.SEND_BACK)


@dataclass(frozen=True)
class RequestRecord:
    """What the teacher wrote when asking: how the credential serves the school's goals, and
    how they will complete it."""

    reasons: str
    plan: str
    asked_at: datetime


@dataclass(frozen=True)
class DecisionRecord:
    """The latest decision on a pursuit's request: who, when, how and why."""

    decision: str  # "approve" | "send_back"
    by: str
    by_id: int | None
    at: datetime
    reason: str


async def last_request(session: AsyncSession, pursuit_id: int) -> RequestRecord | None:
    """The teacher's latest request. Requests made before the plan was kept apart hold both
    in one text, shown as the reasons."""
    row = (
        await session.execute(
            select(AuditEvent.reason, AuditEvent.details, AuditEvent.occurred_at)
            .where(
                AuditEvent.subject_type == "pursuit",
                AuditEvent.subject_id == pursuit_id,
                AuditEvent.action == Move.REQUEST_APPROVAL.value,
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    reason, details, at = row
    return RequestRecord(reason or "", str((details or {}).get("plan") or ""), at)


async def last_decision(session: AsyncSession, pursuit_id: int) -> DecisionRecord | None:
    row = (
        await session.execute(
            select(
                AuditEvent.action,
                Person.name,
                AuditEvent.actor_id,
                AuditEvent.occurred_at,
                AuditEvent.reason,
            )
            .join(Person, Person.id == AuditEvent.actor_id, isouter=True)
            .where(
                AuditEvent.subject_type == "pursuit",
                AuditEvent.subject_id == pursuit_id,
                AuditEvent.action.in_([m.value for m in DECISION_MOVES]),
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    action, name, actor_id, at, reason = row
    return DecisionRecord(action, name or "CoachBot", actor_id, at, reason or "")


async def approvers_of(session: AsyncSession, pursuit: Pursuit) -> list[int]:
    """Who may decide this pursuit's request under the district's policy (never the teacher)."""
    teacher = await session.get(Person, pursuit.teacher_id)
    district = await session.get(District, pursuit.district_id)
    assert teacher is not None and district is not None  # foreign keys guarantee both
    roles = {r.value for r in policy_from_json(district.policy).approver_roles}
    rows = await session.execute(
        select(RoleGrantRow.person_id, RoleGrantRow.school_id)
        .join(Person, Person.id == RoleGrantRow.person_id)
        .where(
            Person.district_id == pursuit.district_id,
            Person.active.is_(True),
            RoleGrantRow.role.in_(roles),
        )
    )
    return sorted(
        {
            pid
            for pid, school in rows.all()
            if pid != pursuit.teacher_id and (school is None or school == teacher.school_id)
        }
    )


async def names(session: AsyncSession, pursuit: Pursuit) -> tuple[str, str]:
    """(the teacher's name, the credential's title)."""
    teacher = await session.get(Person, pursuit.teacher_id)
    credential = await session.get(CredentialRow, pursuit.credential_id)
    assert teacher is not None and credential is not None
    return teacher.name, credential.title
