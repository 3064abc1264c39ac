"""Deciding a group of evidence file opens, and auditing each, in one unit of work.

The authorization half of opening a file, apart from the links and the bytes (``files``):
for each (person, part) asked, one statement reads the facts the rule needs, the rule is the
evidence views' own (``access.may_see``), and every open, allowed or refused, gets its audit
event ("open_evidence_file" / "open_evidence_file_refused") in the same transaction. A part
that does not exist is not audited: there is nothing to name.

One synchronous function of a Core connection (``Database.write_at_once``), so that the
facts are read inside the transaction that records the opens: an open is decided on what the
database held when its event was written, and a burst of opens costs one round trip here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from coachbot.domain.roles import Actor, Role, RoleGrant
from coachbot.services.evidence.access import may_see
from coachbot.services.evidence.open_statements import FACTS_ON, facts_parameters, insert_audit


@dataclass(frozen=True)
class OpenFacts:
    """What the rule needs to decide one open, and what the file is."""

    actor: Actor
    reviewers: set[int]
    teacher_id: int
    district_id: int
    pursuit_id: int
    number: int
    name: str
    size: int
    media_type: str | None
    sha256: str
    # The person's own comments on this version as a colleague, finished: a refusal says
    # the file was open to them only while they commented.
    commented: bool = False


@dataclass(frozen=True)
class Decided:
    """One open decided: its facts (None: no such file part) and whether the rule allows it."""

    facts: OpenFacts | None
    allowed: bool


def decide_and_audit(
    connection: Connection, asked: list[tuple[int, int]], at: datetime
) -> list[Decided]:
    """Each asked (person, part) open's facts read, the rule asked, and its audit event
    inserted (``at``), on ``connection``; the caller's transaction commits them together."""
    dialect = connection.dialect.name
    found = _facts(connection.execute(FACTS_ON[dialect], facts_parameters(dialect, asked)), asked)
    decided = [
        Decided(
            facts,
            facts is not None
            and may_see(facts.actor, facts.teacher_id, facts.district_id, facts.reviewers),
        )
        for facts in found
    ]
    rows = [
        {
            "district_id": one.facts.district_id,
            "actor_id": person_id,
            "subject_id": part_id,
            "action": "open_evidence_file" if one.allowed else "open_evidence_file_refused",
            "reason": None if one.allowed else "not_permitted",
            "details": {
                "pursuit": one.facts.pursuit_id,
                "version": one.facts.number,
                "file": one.facts.name,
            },
        }
        for (person_id, part_id), one in zip(asked, decided, strict=True)
        if one.facts is not None
    ]
    if rows:
        insert_audit(connection, rows, at)
    return decided


def _facts(rows: Iterable[Any], asked: list[tuple[int, int]]) -> list[OpenFacts | None]:
    """Each asked open's facts from the rows of ``open_statements.FACTS_ON`` (None: no such
    file part)."""
    by_pair: dict[tuple[int, int], OpenFacts] = {}
    for row in rows:
        (
            person_id,
            part_id,
            name,
            size,
            media,
            sha,
            number,
            pursuit_id,
            teacher,
            district,
            home,
            active,
            is_admin,
            is_reviewer,
            commented,
        ) = row
        if not sha:  # not a kept file (a link or a note): nothing to open
            continue
        by_pair[(person_id, part_id)] = OpenFacts(
            # The same rule as every view (``may_see``), given what this query found.
            Actor(
                person_id if active else None,
                home,
                frozenset({RoleGrant(Role.DISTRICT_ADMIN)}) if is_admin else frozenset(),
            ),
            {person_id} if is_reviewer else set(),
            teacher,
            district,
            pursuit_id,
            number,
            name or "evidence",
            size or 0,
            media,
            str(sha),
            bool(commented),
        )
    return [by_pair.get(pair) for pair in asked]
