"""Writing the audit trail: every change of the record says who, when, what and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.roles import Actor
from coachbot.storage.models import AuditEvent, Pursuit


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: Actor,
    district_id: int | None,
    subject_type: str,
    subject_id: int,
    action: str,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEvent(
            occurred_at=at,
            district_id=district_id,
            actor_id=actor.person_id,
            subject_type=subject_type,
            subject_id=subject_id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            details=details,
        )
    )


def on_pursuit(
    session: AsyncSession,
    pursuit: Pursuit,
    actor: Actor,
    action: str,
    *,
    at: datetime,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """``record`` an event about ``pursuit``, in its district (most of the trail is)."""
    record(
        session,
        at=at,
        actor=actor,
        district_id=pursuit.district_id,
        subject_type="pursuit",
        subject_id=pursuit.id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        details=details,
    )
