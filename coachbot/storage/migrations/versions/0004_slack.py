"""workspace links: which Slack workspace (or Discord server) belongs to which district

Revision ID: 0004_slack
Revises: 0003
Create Date: 2026-11-24 06:57:11.053556
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coachbot.storage.base

revision: str = "0004_slack"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_links",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column(
            "district_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("match_by_email", sa.Boolean(), nullable=False),
        sa.Column("linked_at", coachbot.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_workspace_links_district_id_districts"),
        ),
        sa.PrimaryKeyConstraint("platform", "workspace_id", name=op.f("pk_workspace_links")),
    )
    with op.batch_alter_table("workspace_links", schema=None) as batch_op:
        batch_op.create_index("ix_workspace_links_district_id", ["district_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workspace_links", schema=None) as batch_op:
        batch_op.drop_index("ix_workspace_links_district_id")
    op.drop_table("workspace_links")
