"""speed at state size: a covering index for a cohort's progress

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pursuits", schema=None) as batch_op:
        batch_op.drop_index("ix_pursuits_cohort_state")
        batch_op.create_index(
            "ix_pursuits_cohort_progress",
            ["cohort_id", "state", "attempts", "last_activity_at", "teacher_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("pursuits", schema=None) as batch_op:
        batch_op.drop_index("ix_pursuits_cohort_progress")
        batch_op.create_index("ix_pursuits_cohort_state", ["cohort_id", "state"], unique=False)
