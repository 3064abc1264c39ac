"""ledger: every credit as an append-only entry dated in the district's fiscal year, and the
committees' requests and votes; entries are backfilled for the awards made before

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 23:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from coachbot.domain.ledger import DEFAULT_YEAR_STARTS, fiscal_year

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("id", BIG, primary_key=True, autoincrement=True),
        sa.Column("district_id", BIG, sa.ForeignKey("districts.id"), nullable=False),
        sa.Column("teacher_id", BIG, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("award_id", BIG, sa.ForeignKey("awards.id"), nullable=True),
        sa.Column("completion_id", BIG, sa.ForeignKey("completions.id"), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("quantity", sa.Double(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("fiscal_year", sa.String(7), nullable=False),
        sa.Column("entered_on", WHEN, nullable=False),
        sa.Column("pay_state", sa.String(16), nullable=False),
        sa.Column("approved_at", WHEN, nullable=True),
        sa.Column("paid_at", WHEN, nullable=True),
        sa.Column("batch_ref", sa.String(100), nullable=True),
        sa.Column("reverses_id", BIG, sa.ForeignKey("ledger_entries.id"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_ledger_entries_year",
        "ledger_entries",
        ["district_id", "fiscal_year", "teacher_id", "id"],
    )
    op.create_index("ix_ledger_entries_teacher_id", "ledger_entries", ["teacher_id"])
    op.create_index("ix_ledger_entries_award_id", "ledger_entries", ["award_id"])
    op.create_table(
        "committee_requests",
        sa.Column("id", BIG, primary_key=True, autoincrement=True),
        sa.Column("district_id", BIG, sa.ForeignKey("districts.id"), nullable=False),
        sa.Column("committee", sa.String(100), nullable=False),
        sa.Column("teacher_id", BIG, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("completion_id", BIG, sa.ForeignKey("completions.id"), nullable=True),
        sa.Column("pursuit_id", BIG, sa.ForeignKey("pursuits.id"), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("pathway_code", sa.String(64), nullable=False),
        sa.Column("pathway_title", sa.String(200), nullable=False),
        sa.Column("outcome", JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("decided_at", WHEN, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("completion_id", name="uq_committee_requests_completion_id"),
    )
    op.create_index(
        "ix_committee_requests_open", "committee_requests", ["district_id", "committee", "state"]
    )
    op.create_table(
        "committee_votes",
        sa.Column("id", BIG, primary_key=True, autoincrement=True),
        sa.Column(
            "request_id",
            BIG,
            sa.ForeignKey("committee_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("voter_id", BIG, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("vote", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("voted_at", WHEN, nullable=False),
        sa.UniqueConstraint(
            "request_id", "voter_id", name="uq_committee_votes_request_id_voter_id"
        ),
    )
    _backfill()


def _backfill() -> None:
    """One entry per credit of every award made before the ledger, dated by the award's day in
    the district's own time zone; a stipend keeps the state the award recorded."""
    bind = op.get_bind()
    districts: dict[int, tuple[ZoneInfo, str]] = {}
    for district_id, policy in bind.execute(sa.text("SELECT id, policy FROM districts")):
        data: dict[str, Any] = policy if isinstance(policy, dict) else _json(policy)
        districts[district_id] = (
            ZoneInfo(data.get("timezone") or "UTC"),
            data.get("fiscal_year_starts") or DEFAULT_YEAR_STARTS,
        )
    entries = sa.table(
        "ledger_entries",
        *(
            sa.column(name)
            for name in (
                "district_id", "teacher_id", "award_id", "kind", "quantity", "amount_cents",
                "detail", "fiscal_year", "entered_on", "pay_state",
            )
        ),
    )  # fmt: skip
    awards = bind.execute(
        sa.text(
            "SELECT id, district_id, teacher_id, awarded_at, hours, points, stipend_cents,"
            " stipend_status, cpd_units FROM awards ORDER BY id"
        )
    )
    rows: list[dict[str, Any]] = []
    for a in awards:
        zone, starts = districts[a.district_id]
        when = _instant(a.awarded_at)
        base = {
            "district_id": a.district_id,
            "teacher_id": a.teacher_id,
            "award_id": a.id,
            "detail": "",
            "fiscal_year": fiscal_year(when.astimezone(zone).date(), starts),
            "entered_on": when if bind.dialect.name != "sqlite" else when.replace(tzinfo=None),
        }
        for kind, quantity in (
            ("hours", a.hours),
            ("points", a.points),
            ("cpd_units", a.cpd_units),
        ):
            if quantity:
                rows.append(base | {"kind": kind, "quantity": float(quantity),
                                    "amount_cents": 0, "pay_state": "credited"})  # fmt: skip
        if a.stipend_status in ("owed", "over_budget"):
            rows.append(base | {"kind": "stipend", "quantity": 0.0,
                                "amount_cents": int(a.stipend_cents or 0),
                                "pay_state": a.stipend_status})  # fmt: skip
        if len(rows) >= 1000:
            op.bulk_insert(entries, rows)
            rows = []
    if rows:
        op.bulk_insert(entries, rows)


def _json(value: Any) -> dict[str, Any]:
    import json

    return json.loads(value) if value else {}


def _instant(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def downgrade() -> None:
    op.drop_table("committee_votes")
    op.drop_index("ix_committee_requests_open", table_name="committee_requests")
    op.drop_table("committee_requests")
    op.drop_index("ix_ledger_entries_award_id", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_teacher_id", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_year", table_name="ledger_entries")
    op.drop_table("ledger_entries")
