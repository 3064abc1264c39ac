"""Queue news for one person in the outbox, inside the caller's transaction.

News (feedback ready, a review to score, a teacher who needs a meeting) commits with the change
it reports, so a crash can lose neither; the dispatcher delivers it at once, quiet hours allowing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.nudges import PRIORITY, NudgeKind
from coachbot.storage.models import NudgeRow


def queue(
    session: AsyncSession,
    now: datetime,
    *,
    key: str,
    district_id: int,
    person_id: int,
    kind: NudgeKind,
    subject: str,
    params: dict[str, Any],
) -> None:
    """Add one ready outbox row; ``key`` is unique, so the same news is never queued twice."""
    session.add(
        NudgeRow(
            key=key,
            district_id=district_id,
            person_id=person_id,
            kind=kind.value,
            subject=subject,
            priority=PRIORITY[kind],
            due_at=now,
            deliver_at=now,
            status="pending",
            attempts=0,
            params=params,
            created_at=now,
        )
    )
