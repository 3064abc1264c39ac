"""revoked awards and recognitions: an award whose credential an admin revoked no longer
counts; credentials earned elsewhere, recognised under the district's policy; the district's
website, email and image for its issuer profile

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    json = sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql")
    # Plain ALTER TABLE (no batch copy): SQLite adds and drops a nullable column in place, and
    # copying districts or awards would trip the foreign keys that point at them.
    op.add_column("awards", sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    # The district as an issuer: its website, contact email and image (from the catalog).
    for column in ("website", "email", "image"):
        op.add_column("districts", sa.Column(column, sa.Text(), nullable=True))
    op.create_table(
        "recognitions",
        sa.Column("id", big, autoincrement=True, nullable=False),
        sa.Column("district_id", big, nullable=False),
        sa.Column("teacher_id", big, nullable=False),
        sa.Column("credential_id", big, nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("issuer_name", sa.Text(), nullable=False),
        sa.Column("achievement", sa.Text(), nullable=False),
        sa.Column("document", json, nullable=False),
        sa.Column("currency", json, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", big, nullable=True),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_recognitions_district_id_districts")
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["people.id"], name=op.f("fk_recognitions_teacher_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_recognitions_credential_id_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["people.id"], name=op.f("fk_recognitions_decided_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognitions")),
    )
    op.create_index("ix_recognitions_teacher_id", "recognitions", ["teacher_id"])
    op.create_index("ix_recognitions_district_status", "recognitions", ["district_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_recognitions_district_status", table_name="recognitions")
    op.drop_index("ix_recognitions_teacher_id", table_name="recognitions")
    op.drop_table("recognitions")
    for column in ("image", "email", "website"):
        op.drop_column("districts", column)
    op.drop_column("awards", "revoked_at")
