"""The append-only audit trail and the idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId, IdPk


class AuditEvent(Base):
    """Who did what, when, from which state to which, and why.

    Append-only: database triggers (see the first migration) refuse UPDATE and DELETE on both
    SQLite and PostgreSQL, so not even a bug in our own code can rewrite history.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject", "subject_type", "subject_id"),
        Index("ix_audit_events_actor_id", "actor_id"),
    )

    id: Mapped[IdPk]
    occurred_at: Mapped[datetime]
    district_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("districts.id"))
    actor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("people.id"))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None]


class IdempotencyKey(Base):
    """A request already handled: a retried or double-clicked request replays this outcome."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime]
    outcome: Mapped[dict[str, Any] | None]
