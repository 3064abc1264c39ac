"""roles granted by completions: a role a pathway brought names the completion that granted it,
so that undoing the completion (its credential revoked) takes back that role and no other

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    # Plain ALTER TABLE (no batch copy), as in 0013 and 0014: a nullable column added in place.
    # Grants made before this (roster's or a pathway's) stay None: never taken back by an undo.
    op.add_column("role_grants", sa.Column("completion_id", big, nullable=True))


def downgrade() -> None:
    op.drop_column("role_grants", "completion_id")
