"""The shapes the read models return, and the query they share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from coachbot.domain.catalog import Credential
from coachbot.domain.policy import Currency
from coachbot.storage.models import (
    CredentialRow,
    Person,
    Pursuit,
)


@dataclass(frozen=True)
class CatalogGroup:
    title: str
    kind: str  # stack | pathway | other
    credentials: list[tuple[str, str, float]]  # (code, title, hours estimate)
    note: str = ""  # a pathway's outcome


@dataclass(frozen=True)
class CredentialDetail:
    credential: Credential
    currency: Currency
    needs_approval: bool
    matching_goals: list[str]
    holders_open_to_questions: int


@dataclass(frozen=True)
class QueueItem:
    review_id: int
    purpose: str
    teacher: str
    credential: str
    assigned_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class AwardSummary:
    teacher_id: int
    teacher: str
    named: bool
    school: str
    credential: str
    issuer: str
    hours: float
    points: float
    stipend_cents: int
    stipend_status: str
    cpd_units: int
    assertion_id: str
    completed: list[tuple[str, str, str, str]]  # (kind, title, outcome, deciding committee)
    channel: str | None
    credential_url: str | None = None  # the signed credential's page (None: an older award)


@dataclass(frozen=True)
class PursuitSummary:
    pursuit_id: int
    code: str
    title: str
    state: str
    version: int
    teacher: str


def pursuit_summaries(*extra: Any) -> Select[Any]:
    """The columns of a ``PursuitSummary`` (plus ``extra``), joined to credential and teacher."""
    return (
        select(
            Pursuit.id,
            CredentialRow.code,
            CredentialRow.title,
            Pursuit.state,
            Pursuit.version,
            Person.name,
            *extra,
        )
        .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
        .join(Person, Person.id == Pursuit.teacher_id)
    )
