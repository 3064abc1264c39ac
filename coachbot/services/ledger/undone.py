"""What a revocation undid, as the teacher and a committee read it afterwards.

A completion undone by a revocation (``coachbot.services.awards.undoing``) is kept, marked
undone; views that once showed it (the teacher's status, with its salary step; the
committee's decided request) say it was completed and then undone, when and why, rather
than dropping it without a word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.storage.models import Completion, PathwayRow, StackRow


@dataclass(frozen=True)
class UndoneLine:
    """A stack or pathway completed, then undone: ``reason`` names the revoked credential
    and why it was revoked; ``outcome_kind`` (salary_step, stipend, role, ...) and
    ``outcome_value`` are what it had brought ("" for a stack)."""

    kind: str  # stack | pathway
    title: str
    completed_at: datetime
    undone_at: datetime
    reason: str
    outcome_kind: str
    outcome_value: str

    @property
    def cause(self) -> str:
        """"C-ONE (Questioning for Discourse) was revoked", from the reason the undoing wrote
        ("... was revoked: awarded in error")."""
        return self.reason.partition(REVOKED)[0] + " was revoked" if REVOKED in self.reason \
            else self.reason  # fmt: skip

    @property
    def detail(self) -> str:
        """Why the credential was revoked, as the district admin typed it."""
        return self.reason.partition(REVOKED)[2]


REVOKED = " was revoked: "  # as ``UndoCompletions`` words the reason of an undoing


def _line(completion: Completion, title: str) -> UndoneLine:
    assert completion.undone_at is not None
    outcome: dict[str, Any] = completion.outcome or {}
    return UndoneLine(
        completion.kind, title, completion.completed_at, completion.undone_at,
        completion.undone_reason or "", str(outcome.get("kind", "")),
        str(outcome.get("value", "")),
    )  # fmt: skip


async def undone_of_teacher(session: AsyncSession, teacher_id: int) -> list[UndoneLine]:
    """The teacher's completions that stand undone, oldest undoing first."""
    lines = []
    for completion in await session.scalars(
        select(Completion)
        .where(Completion.teacher_id == teacher_id, Completion.undone_at.is_not(None))
        .order_by(Completion.undone_at, Completion.id)
    ):
        line = await undone_line(session, completion)
        if line is not None:
            lines.append(line)
    return lines


async def undone_line(session: AsyncSession, completion: Completion | None) -> UndoneLine | None:
    """The completion as an undone line, or None while it stands (or is gone)."""
    if completion is None or completion.undone_at is None:
        return None
    return _line(completion, await completion_title(session, completion))


async def completion_title(session: AsyncSession, completion: Completion) -> str:
    """The title of the stack or pathway completed ("" if it is gone from the catalog)."""
    row: StackRow | PathwayRow | None
    if completion.kind == "stack":
        row = await session.get(StackRow, completion.subject_id)
    else:
        row = await session.get(PathwayRow, completion.subject_id)
    return row.title if row is not None else ""
