"""nudge outbox and school breaks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:24:31.722805
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cohort_members", schema=None) as batch_op:
        batch_op.create_index("ix_cohort_members_joined_at", ["joined_at"], unique=False)
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.create_index("ix_role_grants_role", ["role"], unique=False)
    with op.batch_alter_table("pursuits", schema=None) as batch_op:
        batch_op.create_index("ix_pursuits_state_updated", ["state", "updated_at"], unique=False)

    op.create_table(
        "school_breaks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "district_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_school_breaks_district_id_districts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_breaks")),
    )
    with op.batch_alter_table("school_breaks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_school_breaks_district", ["district_id", "starts_on"], unique=False
        )

    op.create_table(
        "nudges",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column(
            "district_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deliver_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("platform_message_id", sa.String(length=128), nullable=True),
        sa.Column("dropped_reason", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "params",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_nudges_district_id_districts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_nudges_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudges")),
        sa.UniqueConstraint("key", name=op.f("uq_nudges_key")),
    )
    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.create_index("ix_nudges_person_sent", ["person_id", "sent_at"], unique=False)
        batch_op.create_index(
            "ix_nudges_ready",
            ["deliver_at"],
            unique=False,
            sqlite_where=sa.text("status IN ('pending', 'claimed')"),
            postgresql_where=sa.text("status IN ('pending', 'claimed')"),
        )

    with op.batch_alter_table("pursuits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pursuits_state_activity", ["state", "last_activity_at"], unique=False
        )

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_status_due", ["status", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cohort_members", schema=None) as batch_op:
        batch_op.drop_index("ix_cohort_members_joined_at")
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_role_grants_role")
    with op.batch_alter_table("pursuits", schema=None) as batch_op:
        batch_op.drop_index("ix_pursuits_state_updated")

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_status_due")

    with op.batch_alter_table("pursuits", schema=None) as batch_op:
        batch_op.drop_index("ix_pursuits_state_activity")

    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_nudges_ready",
            sqlite_where=sa.text("status IN ('pending', 'claimed')"),
            postgresql_where=sa.text("status IN ('pending', 'claimed')"),
        )
        batch_op.drop_index("ix_nudges_person_sent")

    op.drop_table("nudges")
    with op.batch_alter_table("school_breaks", schema=None) as batch_op:
        batch_op.drop_index("ix_school_breaks_district")

    op.drop_table("school_breaks")
