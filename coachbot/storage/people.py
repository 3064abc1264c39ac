"""Districts, schools, people and the roles they hold."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachbot.storage.base import Base, BigId, IdPk


class District(Base):
    __tablename__ = "districts"

    id: Mapped[IdPk]
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    # The validated DistrictPolicy as JSON (see coachbot.storage.codec); read far more than written.
    policy: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The district as an issuer of credentials: in every credential's issuer Profile.
    website: Mapped[str | None] = mapped_column(Text, default=None)
    email: Mapped[str | None] = mapped_column(Text, default=None)
    image: Mapped[str | None] = mapped_column(Text, default=None)  # an https URL to a picture


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    goals: Mapped[list[Any]]  # the school's improvement goals, matched to credentials' goals


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("district_id", "email"),
        Index("ix_people_email", "email"),
    )

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    email: Mapped[str] = mapped_column(String(254))  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    school_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("schools.id"))
    timezone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    grants: Mapped[list[RoleGrantRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )


class RoleGrantRow(Base):
    __tablename__ = "role_grants"
    __table_args__ = (
        Index("ix_role_grants_person_id", "person_id"),
        Index("ix_role_grants_role", "role"),  # "who are the admins / approvers here?"
        # Routing: the district's facilitators, a few among many teachers.
        Index(
            "ix_role_grants_facilitators",
            "person_id",
            sqlite_where=text("role = 'facilitator'"),
            postgresql_where=text("role = 'facilitator'"),
        ),
    )

    id: Mapped[IdPk]
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    school_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("schools.id"))
    # The pathway completion that granted the role (a role outcome); None for a role the
    # roster or an admin gave. Undoing that completion takes back only a role it granted.
    # No foreign key: completions are never deleted, and SQLite adds the column in place.
    completion_id: Mapped[int | None] = mapped_column(BigId, default=None)

    person: Mapped[Person] = relationship(back_populates="grants")
