"""platform accounts in one table (not a column per platform); forms kept for a click

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03 19:00:00

Each person's Slack and Discord ids move from ``people`` into ``platform_accounts`` (one row per
person and platform), so the core finds anyone on any platform the same way and a new platform
needs no new column. ``kept_forms`` holds a form waiting for the click that opens it, and the
answers of a paged form's pages so far, so neither lives in one process's memory.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coachbot.storage.base

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"slack": "slack_user_id", "discord": "discord_user_id"}


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    json = sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql")
    when = coachbot.storage.base.UTCDateTime(timezone=True)
    op.create_table(
        "platform_accounts",
        sa.Column("person_id", big, nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("linked_at", when, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_platform_accounts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "platform", name=op.f("pk_platform_accounts")),
    )
    op.create_index(
        "ix_platform_accounts_account", "platform_accounts", ["platform", "account_id"]
    )
    for platform, column in COLUMNS.items():
        op.execute(
            "INSERT INTO platform_accounts (person_id, platform, account_id, linked_at) "
            f"SELECT id, '{platform}', {column}, updated_at FROM people "
            f"WHERE {column} IS NOT NULL AND {column} <> ''"
        )
        op.drop_index(f"ix_people_{column}", table_name="people")
        op.drop_column("people", column)  # SQLite 3.35+ drops a plain column in place

    op.create_table(
        "kept_forms",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("form", json, nullable=False),
        sa.Column("answers", json, nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_kept_forms")),
    )
    op.create_index("ix_kept_forms_created_at", "kept_forms", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_kept_forms_created_at", table_name="kept_forms")
    op.drop_table("kept_forms")
    for platform, column in COLUMNS.items():
        op.add_column("people", sa.Column(column, sa.String(length=32), nullable=True))
        op.create_index(f"ix_people_{column}", "people", [column])
        op.execute(
            f"UPDATE people SET {column} = (SELECT account_id FROM platform_accounts "
            "WHERE platform_accounts.person_id = people.id "
            f"AND platform_accounts.platform = '{platform}')"
        )
    op.drop_index("ix_platform_accounts_account", table_name="platform_accounts")
    op.drop_table("platform_accounts")
