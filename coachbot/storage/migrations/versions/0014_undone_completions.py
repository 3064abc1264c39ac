"""undone completions: a stack or pathway that no longer holds once a credential it rested on
was revoked is marked undone (when, and why), never deleted; its ledger entries are reversed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy), as in 0013: SQLite adds a nullable column in place, and
    # copying completions would trip the ledger's and committees' foreign keys to it.
    op.add_column("completions", sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("completions", sa.Column("undone_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("completions", "undone_reason")
    op.drop_column("completions", "undone_at")
