"""conversation settings and draft basket

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 14:31:13.924035
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "person_settings",
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("onboarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "goals",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("open_to_questions", sa.Boolean(), nullable=False),
        sa.Column("named_in_announcements", sa.Boolean(), nullable=False),
        sa.Column(
            "basket_pursuit_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_settings_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["basket_pursuit_id"],
            ["pursuits.id"],
            name=op.f("fk_person_settings_basket_pursuit_id_pursuits"),
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_settings")),
    )
    op.create_table(
        "draft_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "pursuit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("requirement", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("media_type", sa.String(length=127), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pursuit_id"], ["pursuits.id"], name=op.f("fk_draft_items_pursuit_id_pursuits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_items")),
    )
    with op.batch_alter_table("draft_items", schema=None) as batch_op:
        batch_op.create_index("ix_draft_items_pursuit_id", ["pursuit_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("draft_items", schema=None) as batch_op:
        batch_op.drop_index("ix_draft_items_pursuit_id")

    op.drop_table("draft_items")
    op.drop_table("person_settings")
