"""recovery batch refs: a paid stipend's reversal (to_recover, then recovered) carries the
payroll batch that paid it, so HR's export names it on the row itself; reversals written
before this get it from the entry they take back

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 13:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Data only: a correlated UPDATE that SQLite and PostgreSQL both run as written. Only the
    # state of the reversal row and its batch move; no amount is touched.
    op.execute(
        "UPDATE ledger_entries SET batch_ref = ("
        " SELECT paid.batch_ref FROM ledger_entries AS paid"
        " WHERE paid.id = ledger_entries.reverses_id)"
        " WHERE pay_state IN ('to_recover', 'recovered') AND batch_ref IS NULL"
        " AND reverses_id IS NOT NULL"
    )


def downgrade() -> None:
    # The batch stays on the entry the reversal takes back: nothing is lost by leaving it.
    pass
