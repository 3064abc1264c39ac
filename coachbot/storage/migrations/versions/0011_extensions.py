"""extensions: a teacher's own submission window, extended past the cohort's or district's

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-03 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pursuits") as batch:
        batch.add_column(sa.Column("window_extended_to", sa.Date(), nullable=True))
    # The sweep asks, each day, whose own extended window closes soon.
    op.create_index("ix_pursuits_window_extended_to", "pursuits", ["window_extended_to"])


def downgrade() -> None:
    op.drop_index("ix_pursuits_window_extended_to", table_name="pursuits")
    with op.batch_alter_table("pursuits") as batch:
        batch.drop_column("window_extended_to")
