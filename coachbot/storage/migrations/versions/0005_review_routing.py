"""routing: indexes for reviewer capacity and qualification

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "review_waits",
        sa.Column("pursuit_id", big, nullable=False),
        sa.Column("district_id", big, nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_review_waits_district_id_districts")
        ),
        sa.ForeignKeyConstraint(
            ["pursuit_id"],
            ["pursuits.id"],
            name=op.f("fk_review_waits_pursuit_id_pursuits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pursuit_id", name=op.f("pk_review_waits")),
    )
    with op.batch_alter_table("review_waits", schema=None) as batch_op:
        batch_op.create_index("ix_review_waits_next_try", ["next_try_at"], unique=False)
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reviews_reviewer_assigned", ["reviewer_id", "assigned_at"], unique=False
        )
        batch_op.create_index(
            "ix_reviews_open_reviewer",
            ["reviewer_id"],
            unique=False,
            sqlite_where=sa.text("status = 'assigned'"),
            postgresql_where=sa.text("status = 'assigned'"),
        )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_awards_credential_teacher", ["credential_id", "teacher_id"], unique=False
        )
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_role_grants_facilitators",
            ["person_id"],
            unique=False,
            sqlite_where=sa.text("role = 'facilitator'"),
            postgresql_where=sa.text("role = 'facilitator'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_role_grants_facilitators")
    with op.batch_alter_table("review_waits", schema=None) as batch_op:
        batch_op.drop_index("ix_review_waits_next_try")
    op.drop_table("review_waits")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index("ix_awards_credential_teacher")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_open_reviewer")
        batch_op.drop_index("ix_reviews_reviewer_assigned")
