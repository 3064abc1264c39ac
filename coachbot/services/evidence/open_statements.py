"""The two statements that decide and audit a group of evidence file opens, per database.

Both are built once, with the asked pairs and the audit rows as parameters, because building
them afresh for every group cost more CPU than the rest of the decision together.

On SQLite the pairs are expanding ``IN`` lists and the audit rows one ``executemany``: the
whole unit runs in one hop to a writer thread, where a statement costs no round trip.

On PostgreSQL every statement is a round trip on the listener's own loop, and a statement whose
text changes is prepared again. So there the pairs and the rows go as arrays through
``unnest``: the text never changes with a group's size (asyncpg prepares each once per
connection), and 50 audit rows are one INSERT, not 50 executions.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    Executable,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import TupleType

from coachbot.domain.roles import Role
from coachbot.services.evidence.access import finished_peer_review, seeing_review
from coachbot.storage.base import UTCDateTime
from coachbot.storage.models import (
    AuditEvent,
    EvidencePartRow,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
)


def _facts_columns() -> Any:
    """For a (person, part) row: the part, its pursuit, and who the person is to it (who the
    person is to the part asked in correlated EXISTS)."""
    admin = (
        select(RoleGrantRow.id)
        .where(
            RoleGrantRow.person_id == Person.id,
            RoleGrantRow.role == Role.DISTRICT_ADMIN.value,
            RoleGrantRow.school_id.is_(None),
        )
        .exists()
    )

    def own_review(which: Any) -> Any:
        """Whether the person holds a review of this version that is ``which``."""
        return (
            select(Review.id)
            .where(
                Review.evidence_version_id == EvidenceVersion.id,
                Review.reviewer_id == Person.id,
                which,
            )
            .exists()
        )

    reviewing = own_review(seeing_review())
    # Why a refusal reads as it does: this person's own comments on this version, finished.
    commented = own_review(finished_peer_review())
    return select(
        Person.id,
        EvidencePartRow.id,
        EvidencePartRow.file_name,
        EvidencePartRow.file_size,
        EvidencePartRow.media_type,
        EvidencePartRow.content_hash,
        EvidenceVersion.number,
        Pursuit.id,
        Pursuit.teacher_id,
        Pursuit.district_id,
        Person.district_id,
        Person.active,
        admin,
        reviewing,
        commented,
    )


def _facts_on_sqlite() -> Executable:
    return (
        _facts_columns()
        .select_from(EvidencePartRow)
        .join(EvidenceVersion, EvidenceVersion.id == EvidencePartRow.version_id)
        .join(Pursuit, Pursuit.id == EvidenceVersion.pursuit_id)
        .join(Person, true())
        .where(
            # Each list alone lets the rows be looked up by key; the pairs then keep exactly
            # the combinations asked.
            Person.id.in_(bindparam("people", expanding=True)),
            EvidencePartRow.id.in_(bindparam("parts", expanding=True)),
            tuple_(Person.id, EvidencePartRow.id).in_(
                bindparam("pairs", expanding=True, type_=TupleType(Integer(), Integer()))
            ),
        )
    )


def _ids(name: str) -> Any:
    return bindparam(name, type_=ARRAY(BigInteger()))


def _facts_on_postgresql() -> Executable:
    asked = (
        func.unnest(_ids("people"), _ids("parts"))
        .table_valued("person_id", "part_id")
        .render_derived(name="asked")
    )
    return (
        _facts_columns()
        .select_from(asked)
        .join(EvidencePartRow, EvidencePartRow.id == asked.c.part_id)
        .join(EvidenceVersion, EvidenceVersion.id == EvidencePartRow.version_id)
        .join(Pursuit, Pursuit.id == EvidenceVersion.pursuit_id)
        .join(Person, Person.id == asked.c.person_id)
    )


def _audit_on_postgresql() -> Executable:
    """One INSERT for a group's audit rows, each column an array parameter."""
    rows = (
        func.unnest(
            _ids("district_id"),
            _ids("actor_id"),
            _ids("subject_id"),
            bindparam("action", type_=ARRAY(String())),
            bindparam("reason", type_=ARRAY(Text())),
            bindparam("details", type_=ARRAY(Text())),
        )
        .table_valued("district_id", "actor_id", "subject_id", "action", "reason", "details")
        .render_derived(name="opened")
    )
    return insert(AuditEvent).from_select(
        [
            "occurred_at",
            "district_id",
            "actor_id",
            "subject_type",
            "subject_id",
            "action",
            "reason",
            "details",
        ],
        select(
            bindparam("occurred_at", type_=UTCDateTime()),
            rows.c.district_id,
            rows.c.actor_id,
            literal("evidence_part", String()),
            rows.c.subject_id,
            rows.c.action,
            rows.c.reason,
            cast(rows.c.details, JSON()),
        ),
    )


FACTS_ON = {"sqlite": _facts_on_sqlite(), "postgresql": _facts_on_postgresql()}
AUDIT_ON_POSTGRESQL = _audit_on_postgresql()


def facts_parameters(dialect: str, asked: list[tuple[int, int]]) -> dict[str, list[Any]]:
    """``FACTS_ON[dialect]``'s parameters for the pairs asked (each asked once)."""
    pairs = sorted(set(asked))
    if dialect == "postgresql":
        return {"people": [person for person, _ in pairs], "parts": [part for _, part in pairs]}
    return {
        "people": sorted({person for person, _ in pairs}),
        "parts": sorted({part for _, part in pairs}),
        "pairs": pairs,
    }


def insert_audit(connection: Connection, rows: list[dict[str, Any]], at: datetime) -> None:
    """The group's audit rows (``occurred_at`` = ``at``) in one statement on PostgreSQL, one
    ``executemany`` on SQLite."""
    if connection.dialect.name != "postgresql":
        connection.execute(
            insert(AuditEvent),
            [{"occurred_at": at, "subject_type": "evidence_part", **row} for row in rows],
        )
        return
    connection.execute(
        AUDIT_ON_POSTGRESQL,
        {
            "occurred_at": at,
            **{
                column: [row[column] for row in rows]
                for column in ("district_id", "actor_id", "subject_id", "action", "reason")
            },
            "details": [json.dumps(row["details"]) for row in rows],
        },
    )
