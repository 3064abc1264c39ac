"""Evidence handed in when no reviewer was free: the sweep tries again until someone is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId


class ReviewWait(Base):
    """One row per pursuit whose evidence waits for a reviewer; deleted once one is found."""

    __tablename__ = "review_waits"
    __table_args__ = (Index("ix_review_waits_next_try", "next_try_at"),)

    pursuit_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("pursuits.id", ondelete="CASCADE"), primary_key=True
    )
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    since: Mapped[datetime]
    # When a reviewer kept out only by the weekly capacity gets room (or the next daily try).
    next_try_at: Mapped[datetime]
    # What the teacher was told to expect; None when nobody allowed exists yet.
    expected_by: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(default=1)


class ReviewerLoad(Base):
    """Each reviewer's open reviews (status "assigned"), kept by triggers on ``reviews`` in the
    same transaction as every change (migration 0006): routing weighs a whole district's
    facilitators by reading one small row each instead of counting their reviews. Whatever code
    assigns, finishes, hands off, reassigns or withdraws a review, the count follows."""

    __tablename__ = "reviewer_loads"

    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("people.id"), primary_key=True, autoincrement=False
    )
    open_reviews: Mapped[int] = mapped_column(default=0)
