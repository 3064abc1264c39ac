"""Who is who on each chat platform: accounts, workspaces, and forms kept for a click.

A person's account on a platform (a Slack member id, a Discord user id) is one row per platform,
so a new platform needs no new column. A Slack workspace (team id) or a Discord server (guild
id) is linked to one CoachBot district, so that people can be matched to that district's roster
and its announcements reach its channel. Platform-neutral on purpose: each adapter names its
platform and the id it knows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from coachbot.storage.base import Base, BigId


class PlatformAccount(Base):
    __tablename__ = "platform_accounts"
    # "Who is this Slack user?" is asked on every turn.
    __table_args__ = (Index("ix_platform_accounts_account", "platform", "account_id"),)

    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime]


class KeptForm(Base):
    """A form waiting for a click (a platform opens forms only in answer to one), and the
    answers of the pages already submitted: in the database, so the click works after a
    restart and on any replica. Only the account it was kept for can open it."""

    __tablename__ = "kept_forms"
    __table_args__ = (Index("ix_kept_forms_created_at", "created_at"),)

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str] = mapped_column(String(64))
    form: Mapped[dict[str, Any]]
    answers: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


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


# Slack's OAuth installations and states, as slack_sdk's SQLAlchemy stores read and write them
# (``slack_sdk.oauth.*.sqlalchemy``; the Slack adapter hands them our engine). Described here
# so that our migrations create them and the schema check covers them; the column layout is
# slack_sdk's own, checked against it by tests/adapters/slack/test_oauth.py.
slack_installations = Table(
    "slack_installations",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id",
          "installed_at"),
)

slack_bots = Table(
    "slack_bots",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
