"""routing: indexes for reviewer capacity and qualification

Revision ID: 0004_routing
Revises: 0003
Create Date: 2026-11-24 07:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_routing"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reviews_reviewer_assigned", ["reviewer_id", "assigned_at"], unique=False
        )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_awards_credential_teacher", ["credential_id", "teacher_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index("ix_awards_credential_teacher")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_reviewer_assigned")
