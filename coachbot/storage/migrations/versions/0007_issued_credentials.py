"""credentials: signed Open Badges per award, the districts' signing keys, validity months

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    json = sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql")
    op.create_table(
        "issuer_keys",
        sa.Column("id", big, autoincrement=True, nullable=False),
        sa.Column("district_id", big, nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("public_multibase", sa.String(length=64), nullable=False),
        sa.Column("sealed_secret", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_issuer_keys_district_id_districts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuer_keys")),
        sa.UniqueConstraint(
            "district_id", "key_id", name=op.f("uq_issuer_keys_district_id_key_id")
        ),
    )
    op.create_table(
        "issued_credentials",
        sa.Column("id", big, autoincrement=True, nullable=False),
        sa.Column("award_id", big, nullable=False),
        sa.Column("district_id", big, nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("document", json, nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_issued_credentials_award_id_awards")
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_issued_credentials_district_id_districts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_credentials")),
        sa.UniqueConstraint("award_id", name=op.f("uq_issued_credentials_award_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_issued_credentials_public_id")),
        sa.UniqueConstraint(
            "district_id",
            "status_index",
            name=op.f("uq_issued_credentials_district_id_status_index"),
        ),
    )
    with op.batch_alter_table("issued_credentials", schema=None) as batch_op:
        batch_op.create_index("ix_issued_credentials_district_id", ["district_id"], unique=False)
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_months", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_column("valid_months")
    op.drop_table("issued_credentials")
    op.drop_table("issuer_keys")
