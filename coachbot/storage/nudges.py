"""The nudge outbox and the school calendar.

What is due is derived from the journey's own tables by the sweep; each due nudge becomes one
outbox row whose unique key (person, kind, subject, slot) makes a second sweep, a second process
or a restart unable to create it twice. The dispatcher delivers from here and records what the
platform said, so a crash loses nothing due and the record shows what was sent, dropped and why.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId, IdPk


class NudgeRow(Base):
    __tablename__ = "nudges"
    __table_args__ = (
        # The dispatcher's question: what is ready to go? Only open rows are indexed.
        Index(
            "ix_nudges_ready",
            "deliver_at",
            sqlite_where=text("status IN ('pending', 'claimed')"),
            postgresql_where=text("status IN ('pending', 'claimed')"),
        ),
        Index("ix_nudges_person_sent", "person_id", "sent_at"),
    )

    id: Mapped[IdPk]
    key: Mapped[str] = mapped_column(String(200), unique=True)
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # e.g. "milestone:42", "review:7"
    priority: Mapped[int]
    due_at: Mapped[datetime]  # when it became due
    deliver_at: Mapped[datetime]  # the next moment it may go (quiet hours, retries, Retry-After)
    status: Mapped[str] = mapped_column(String(16))  # pending|claimed|sent|dropped|dead
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    platform_message_id: Mapped[str | None] = mapped_column(String(128))
    dropped_reason: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class SchoolBreak(Base):
    """Days with no nudges (a district's holidays and breaks, from a list or an .ics file)."""

    __tablename__ = "school_breaks"
    __table_args__ = (Index("ix_school_breaks_district", "district_id", "starts_on"),)

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
