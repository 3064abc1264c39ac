"""Cohorts: teachers working through credentials together, with facilitators and a window."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId, IdPk


class Cohort(Base):
    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("district_id", "name"),)

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    name: Mapped[str] = mapped_column(String(200))
    school_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("schools.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    window_opens_on: Mapped[date | None]
    window_closes_on: Mapped[date | None]
    created_at: Mapped[datetime]


class CohortMember(Base):
    __tablename__ = "cohort_members"
    __table_args__ = (
        Index("ix_cohort_members_person_id", "person_id"),
        # The sweep asks who joined about a week ago and has no plan yet.
        Index("ix_cohort_members_joined_at", "joined_at"),
    )

    cohort_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)  # teacher | facilitator
    joined_at: Mapped[datetime]
