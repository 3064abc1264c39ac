"""The ledger (every credit, append-only) and the committees' requests and votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId, IdPk


class LedgerEntry(Base):
    """One credit (or its reversal) to one teacher, dated in the district's fiscal year.

    Rows are only ever added: a revoked award gets a new entry with the negative amount
    (``reverses_id`` names the one it takes back). The one thing that moves is a stipend's
    payment state (owed -> approved -> paid, with HR's batch), each move in the audit trail.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        # The export and the budget: one district's year, in a stable order.
        Index("ix_ledger_entries_year", "district_id", "fiscal_year", "teacher_id", "id"),
        Index("ix_ledger_entries_teacher_id", "teacher_id"),
        Index("ix_ledger_entries_award_id", "award_id"),
    )

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    teacher_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    award_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("awards.id"))
    completion_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("completions.id"))
    kind: Mapped[str] = mapped_column(String(20))  # EntryKind
    quantity: Mapped[float]  # hours, points, units, credits; 1 for a salary step; 0 for money
    amount_cents: Mapped[int]  # stipends only
    detail: Mapped[str] = mapped_column(String(200), default="")  # "+5%", a pathway's code
    fiscal_year: Mapped[str] = mapped_column(String(7))  # "2026-27"
    entered_on: Mapped[datetime]
    pay_state: Mapped[str] = mapped_column(String(16))  # PayState
    approved_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    batch_ref: Mapped[str | None] = mapped_column(String(100))
    reverses_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entries.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class CommitteeRequest(Base):
    """A pathway outcome (``kind`` "outcome", with its completion) or a pre-approval request
    (``kind`` "preapproval", with its pursuit) waiting for its committee: granted only when
    the quorum approves."""

    __tablename__ = "committee_requests"
    __table_args__ = (
        UniqueConstraint("completion_id"),
        Index("ix_committee_requests_open", "district_id", "committee", "state"),
    )

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    committee: Mapped[str] = mapped_column(String(100))
    teacher_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    completion_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("completions.id"))
    pursuit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("pursuits.id"))
    kind: Mapped[str] = mapped_column(String(16), default="outcome")  # outcome | preapproval
    pathway_code: Mapped[str] = mapped_column(String(64))
    pathway_title: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16))  # open | approved | not_yet
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)


class CommitteeVote(Base):
    __tablename__ = "committee_votes"
    __table_args__ = (UniqueConstraint("request_id", "voter_id"),)

    id: Mapped[IdPk]
    request_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("committee_requests.id", ondelete="CASCADE")
    )
    voter_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    vote: Mapped[str] = mapped_column(String(16))  # yes | not_yet
    reason: Mapped[str | None] = mapped_column(Text)
    voted_at: Mapped[datetime]
