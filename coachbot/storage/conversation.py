"""What the conversation keeps between messages: a person's settings and their draft basket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId, IdPk


class PersonSettings(Base):
    """Choices a person made in chat: onboarding, goals, snooze and mute, privacy."""

    __tablename__ = "person_settings"

    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"), primary_key=True)
    onboarded_at: Mapped[datetime | None]
    goals: Mapped[list[Any]]
    snoozed_until: Mapped[datetime | None]
    muted: Mapped[bool] = mapped_column(default=False)
    # Colleagues may find this person as someone who holds a credential and can help.
    open_to_questions: Mapped[bool] = mapped_column(default=False)
    # Earner announcements in district channels name this person.
    named_in_announcements: Mapped[bool] = mapped_column(default=True)
    # Where evidence sent in chat goes: the pursuit the teacher last opened a draft for.
    basket_pursuit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("pursuits.id"))
    updated_at: Mapped[datetime]


class DraftItem(Base):
    """A part of evidence collected over several messages, before it is handed in.

    Mutable on purpose: the teacher adds and replaces parts freely. Handing in turns the basket
    into an immutable evidence version and empties it, in one transaction.
    """

    __tablename__ = "draft_items"
    __table_args__ = (Index("ix_draft_items_pursuit_id", "pursuit_id"),)

    id: Mapped[IdPk]
    pursuit_id: Mapped[int] = mapped_column(BigId, ForeignKey("pursuits.id"))
    requirement: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    text: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None]
    content_hash: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(127))
    added_at: Mapped[datetime]
