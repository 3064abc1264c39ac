"""The catalog as stored: credentials, stacks and pathways of one district."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId, IdPk


class CredentialRow(Base):
    __tablename__ = "credentials"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    competency: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(200))
    hours_estimate: Mapped[float]
    requirements: Mapped[list[Any]]
    rubric: Mapped[dict[str, Any]]
    goals: Mapped[list[Any]]
    # Overrides of the district's currency for this credential, or null for the district's.
    currency: Mapped[dict[str, Any] | None]
    # How long an earned credential stays valid (its credential's validUntil); null: for good.
    valid_months: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StackRow(Base):
    __tablename__ = "stacks"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class StackCredential(Base):
    __tablename__ = "stack_credentials"

    stack_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("stacks.id", ondelete="CASCADE"), primary_key=True
    )
    credential_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("credentials.id"), primary_key=True
    )
    position: Mapped[int]


class PathwayRow(Base):
    __tablename__ = "pathways"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    prerequisite_credential_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("credentials.id")
    )
    outcome: Mapped[dict[str, Any]]


class PathwayArea(Base):
    __tablename__ = "pathway_areas"

    id: Mapped[IdPk]
    pathway_id: Mapped[int] = mapped_column(BigId, ForeignKey("pathways.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    required_count: Mapped[int]
    position: Mapped[int]


class PathwayAreaCredential(Base):
    __tablename__ = "pathway_area_credentials"

    area_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("pathway_areas.id", ondelete="CASCADE"), primary_key=True
    )
    credential_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("credentials.id"), primary_key=True
    )
