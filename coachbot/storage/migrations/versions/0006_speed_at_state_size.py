"""speed at state size: covering indexes for a cohort's progress; each reviewer's open reviews
kept by triggers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same rule on both databases, in each one's dialect: a review that becomes open (inserted
# or updated to "assigned", or moved to another reviewer while open) adds one to its reviewer;
# one that stops being open (finished, handed off, reassigned, superseded, withdrawn, deleted)
# takes one away. Triggers, so that no code path that writes a review can forget.
SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER reviewer_loads_insert AFTER INSERT ON reviews
    WHEN NEW.status = 'assigned'
    BEGIN
        INSERT INTO reviewer_loads (person_id, open_reviews) VALUES (NEW.reviewer_id, 1)
        ON CONFLICT (person_id) DO UPDATE SET open_reviews = open_reviews + 1;
    END
    """,
    """
    CREATE TRIGGER reviewer_loads_update AFTER UPDATE OF status, reviewer_id ON reviews
    WHEN OLD.status = 'assigned' OR NEW.status = 'assigned'
    BEGIN
        UPDATE reviewer_loads SET open_reviews = open_reviews - 1
        WHERE OLD.status = 'assigned' AND person_id = OLD.reviewer_id;
        INSERT INTO reviewer_loads (person_id, open_reviews)
        SELECT NEW.reviewer_id, 1 WHERE NEW.status = 'assigned'
        ON CONFLICT (person_id) DO UPDATE SET open_reviews = open_reviews + 1;
    END
    """,
    """
    CREATE TRIGGER reviewer_loads_delete AFTER DELETE ON reviews
    WHEN OLD.status = 'assigned'
    BEGIN
        UPDATE reviewer_loads SET open_reviews = open_reviews - 1
        WHERE person_id = OLD.reviewer_id;
    END
    """,
)
POSTGRES_TRIGGERS = (
    """
    CREATE FUNCTION reviewer_loads_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            IF OLD.status = 'assigned' THEN
                UPDATE reviewer_loads SET open_reviews = open_reviews - 1
                WHERE person_id = OLD.reviewer_id;
            END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            IF NEW.status = 'assigned' THEN
                INSERT INTO reviewer_loads (person_id, open_reviews) VALUES (NEW.reviewer_id, 1)
                ON CONFLICT (person_id)
                DO UPDATE SET open_reviews = reviewer_loads.open_reviews + 1;
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER reviewer_loads_follow
    AFTER INSERT OR DELETE OR UPDATE OF status, reviewer_id ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviewer_loads_follow()
    """,
)


def upgrade() -> None:
    with op.batch_alter_table("pursuits", schema=None) as batch_op:
        batch_op.drop_index("ix_pursuits_cohort_state")
        batch_op.create_index(
            "ix_pursuits_cohort_progress",
            ["cohort_id", "state", "attempts", "last_activity_at", "teacher_id"],
            unique=False,
        )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_awards_pursuit_stipend", ["pursuit_id", "stipend_cents"], unique=False
        )
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "reviewer_loads",
        sa.Column("person_id", big, autoincrement=False, nullable=False),
        sa.Column("open_reviews", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_reviewer_loads_person_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_reviewer_loads")),
    )
    op.execute(
        "INSERT INTO reviewer_loads (person_id, open_reviews) "
        "SELECT reviewer_id, count(*) FROM reviews WHERE status = 'assigned' "
        "GROUP BY reviewer_id"
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_TRIGGERS if sqlite else POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER reviewer_loads_{name}")
    else:
        op.execute("DROP TRIGGER reviewer_loads_follow ON reviews")
        op.execute("DROP FUNCTION reviewer_loads_follow()")
    op.drop_table("reviewer_loads")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index("ix_awards_pursuit_stipend")
    with op.batch_alter_table("pursuits", schema=None) as batch_op:
        batch_op.drop_index("ix_pursuits_cohort_progress")
        batch_op.create_index("ix_pursuits_cohort_state", ["cohort_id", "state"], unique=False)
