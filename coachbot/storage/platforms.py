"""Which chat workspace belongs to which district.

A Slack workspace (team id) or a Discord server (guild id) is linked to one CoachBot district,
so that people can be matched to that district's roster and its announcements reach its channel.
Platform-neutral on purpose: each adapter names its platform and the id it knows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId


class WorkspaceLink(Base):
    __tablename__ = "workspace_links"
    __table_args__ = (Index("ix_workspace_links_district_id", "district_id"),)

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    district_id: Mapped[int] = mapped_column(BigId, ForeignKey("districts.id"))
    # Whether people without a platform id on the roster may be matched by their email (it
    # needs the platform's permission to read emails, which a district may not want to grant).
    match_by_email: Mapped[bool] = mapped_column(default=False)
    linked_at: Mapped[datetime]
