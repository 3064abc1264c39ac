"""Pursuits and what hangs off them: plans, milestones, evidence, reviews, awards."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId, IdPk


class Pursuit(Base):
    __tablename__ = "pursuits"
    __table_args__ = (
        Index("ix_pursuits_teacher_id", "teacher_id"),
        # A cohort's progress: counts by state, tries beyond the first and who went quiet, all
        # answered from the index alone (migration 0006; it replaced (cohort_id, state)).
        Index(
            "ix_pursuits_cohort_progress",
            "cohort_id",
            "state",
            "attempts",
            "last_activity_at",
            "teacher_id",
        ),
        Index("ix_pursuits_credential_state", "credential_id", "state"),
        # The sweep's inactivity question looks only at the open pursuits that went quiet.
        Index("ix_pursuits_state_activity", "state", "last_activity_at"),
        Index("ix_pursuits_state_updated", "state", "updated_at"),
        # The sweep asks, each day, whose own extended window closes soon (migration 0011).
        Index("ix_pursuits_window_extended_to", "window_extended_to"),
        # One live pursuit per teacher and credential: a double click on "choose" cannot make two.
        Index(
            "uq_pursuits_live_teacher_credential",
            "teacher_id",
            "credential_id",
            unique=True,
            sqlite_where=text("state <> 'withdrawn'"),
            postgresql_where=text("state <> 'withdrawn'"),
        ),
    )

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    teacher_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    credential_id: Mapped[int] = mapped_column(BigId, ForeignKey("credentials.id"))
    cohort_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cohorts.id"))
    state: Mapped[str] = mapped_column(String(32))
    # Bumped on every move, so a button pressed on an old message can be told it is stale.
    version: Mapped[int] = mapped_column(default=1)
    attempts: Mapped[int] = mapped_column(default=0)  # formal submissions made
    # An admin's extension for this teacher alone (a hardship, into the next school year): their
    # window closes on this day instead of the cohort's or the district's. The who and why are
    # in the audit trail ("extend").
    window_extended_to: Mapped[date | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_activity_at: Mapped[datetime]


class WorkPlan(Base):
    __tablename__ = "work_plans"

    id: Mapped[IdPk]
    pursuit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pursuits.id"), unique=True)
    deadline: Mapped[date]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MilestoneRow(Base):
    __tablename__ = "milestones"
    __table_args__ = (
        Index("ix_milestones_plan_id", "plan_id"),
        Index(
            "ix_milestones_open_due",
            "due_on",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
    )

    id: Mapped[IdPk]
    plan_id: Mapped[int] = mapped_column(BigId, ForeignKey("work_plans.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]


class EvidenceVersion(Base):
    """One immutable hand-in: a draft for feedback or a formal submission."""

    __tablename__ = "evidence_versions"
    __table_args__ = (UniqueConstraint("pursuit_id", "number"),)

    id: Mapped[IdPk]
    pursuit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pursuits.id"))
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # draft | formal
    created_by: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class EvidencePartRow(Base):
    __tablename__ = "evidence_parts"
    __table_args__ = (Index("ix_evidence_parts_version_id", "version_id"),)

    id: Mapped[IdPk]
    version_id: Mapped[int] = mapped_column(BigId, ForeignKey("evidence_versions.id"))
    position: Mapped[int]
    requirement: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    text: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None]
    content_hash: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(127))


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_reviewer_status", "reviewer_id", "status"),
        Index("ix_reviews_status_due", "status", "due_at"),
        Index("ix_reviews_pursuit_id", "pursuit_id"),
        # Routing's weekly capacity: what each candidate was given in the last seven days.
        Index("ix_reviews_reviewer_assigned", "reviewer_id", "assigned_at"),
        # Routing's open load: counted from integers alone, without comparing status strings.
        Index(
            "ix_reviews_open_reviewer",
            "reviewer_id",
            sqlite_where=text("status = 'assigned'"),
            postgresql_where=text("status = 'assigned'"),
        ),
    )

    id: Mapped[IdPk]
    pursuit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pursuits.id"))
    evidence_version_id: Mapped[int] = mapped_column(BigId, ForeignKey("evidence_versions.id"))
    reviewer_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    purpose: Mapped[str] = mapped_column(String(16))  # feedback (draft) | official (formal)
    status: Mapped[str] = mapped_column(String(16))  # assigned | completed | handed_off
    assigned_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(String(16))  # feedback | earned | not_yet
    scores: Mapped[dict[str, Any] | None]
    strengths: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (
        Index("ix_awards_teacher_id", "teacher_id"),
        Index("ix_awards_district_id", "district_id"),
        # Routing: which facilitators hold the credential they would review.
        Index("ix_awards_credential_teacher", "credential_id", "teacher_id"),
        # A cohort's stipends owed, found through its pursuits from the index alone: PostgreSQL
        # then looks each up instead of hashing every award of the district (migration 0006).
        Index("ix_awards_pursuit_stipend", "pursuit_id", "stipend_cents"),
    )

    id: Mapped[IdPk]
    pursuit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pursuits.id"), unique=True)
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    teacher_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    credential_id: Mapped[int] = mapped_column(BigId, ForeignKey("credentials.id"))
    review_id: Mapped[int] = mapped_column(BigId, ForeignKey("reviews.id"))
    awarded_at: Mapped[datetime]
    hours: Mapped[float]
    points: Mapped[float]
    stipend_cents: Mapped[int]
    stipend_status: Mapped[str] = mapped_column(String(16))
    cpd_units: Mapped[int]
    assertion_id: Mapped[str] = mapped_column(String(36), unique=True)  # the portable badge's id
    # Its credential was revoked: the award no longer counts (credit, budgets, routing, stacks).
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class Completion(Base):
    """A stack or pathway a teacher completed, with the outcome it brought.

    When a credential it rested on is revoked and it no longer holds, it is undone, not
    deleted: ``undone_at`` and why (the revoked credential), while its ledger entries are
    reversed by new ones. Completing it again later brings it back (``undone_at`` cleared)."""

    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("teacher_id", "kind", "subject_id"),)

    id: Mapped[IdPk]
    teacher_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(16))  # stack | pathway
    subject_id: Mapped[int] = mapped_column(BigId)
    completed_at: Mapped[datetime]
    outcome: Mapped[dict[str, Any] | None]
    undone_at: Mapped[datetime | None] = mapped_column(default=None)
    undone_reason: Mapped[str | None] = mapped_column(Text, default=None)
