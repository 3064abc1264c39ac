"""Signed credentials as issued, and the districts' signing keys.

A credential's JSON is kept exactly as signed: re-building it later from the catalog would
change it (a reworded title, a new base URL) and break its signature; an award's credential
is stable once made. Secret keys are kept sealed (see services/credentials/keys.py), never
in clear.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId, IdPk


class IssuerKey(Base):
    """One of a district's Ed25519 key pairs; the newest unretired one signs."""

    __tablename__ = "issuer_keys"
    __table_args__ = (UniqueConstraint("district_id", "key_id"),)

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    key_id: Mapped[str] = mapped_column(String(32))  # the fragment of the verification method
    public_multibase: Mapped[str] = mapped_column(String(64))
    sealed_secret: Mapped[bytes] = mapped_column(LargeBinary)  # nonce + AES-GCM ciphertext
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]  # no longer signs; still verifies what it signed


class IssuedCredential(Base):
    """The Open Badges credential of one award, as signed."""

    __tablename__ = "issued_credentials"
    __table_args__ = (
        Index("ix_issued_credentials_district_id", "district_id"),
        # Its bit in the district's revocation list (BitstringStatusList), one per credential.
        UniqueConstraint("district_id", "status_index"),
    )

    id: Mapped[IdPk]
    award_id: Mapped[int] = mapped_column(BigId, ForeignKey("awards.id"), unique=True)
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    public_id: Mapped[str] = mapped_column(String(36), unique=True)  # the URL's last part
    document: Mapped[dict[str, Any]]
    key_id: Mapped[str] = mapped_column(String(32))
    status_index: Mapped[int]
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)


class Recognition(Base):
    """A credential earned elsewhere that a teacher handed in: verified, matched to the
    district's policy, then confirmed (or declined) by an admin. Never an award."""

    __tablename__ = "recognitions"
    __table_args__ = (
        Index("ix_recognitions_teacher_id", "teacher_id"),
        Index("ix_recognitions_district_status", "district_id", "status"),
    )

    id: Mapped[IdPk]
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    teacher_id: Mapped[int] = mapped_column(BigId, ForeignKey("people.id"))
    credential_id: Mapped[int] = mapped_column(BigId, ForeignKey("credentials.id"))  # counts as
    issuer: Mapped[str] = mapped_column(Text)  # the outside issuer's id
    issuer_name: Mapped[str] = mapped_column(Text)
    achievement: Mapped[str] = mapped_column(Text)  # the outside achievement's name
    document: Mapped[dict[str, Any]]  # the credential as handed in (its proof checked)
    currency: Mapped[dict[str, Any]]  # what the policy says it brings (often nothing)
    status: Mapped[str] = mapped_column(String(16))  # pending | recognised | declined
    asked_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("people.id"))
