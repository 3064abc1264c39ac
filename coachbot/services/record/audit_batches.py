"""Audit events written in shared transactions (group commit), for busy read-only paths.

Opening an evidence file changes nothing but the audit trail, and many people may open files at
once. Each opener waits until *its* event is committed (an open is never served unrecorded),
but events that arrive while one transaction commits go together in the next: fifty opens at
once cost a couple of commits, not fifty queued behind SQLite's single writer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert

from coachbot.services.record.grouping import Grouped
from coachbot.storage.database import Database
from coachbot.storage.models import AuditEvent


class AuditBatches:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._write: Grouped[dict[str, Any], None] = Grouped(self._insert)

    async def _insert(self, rows: list[dict[str, Any]]) -> list[None]:
        async with self.db.write() as session:
            await session.execute(insert(AuditEvent), rows)
        return [None] * len(rows)

    async def record(
        self,
        *,
        at: datetime,
        actor_id: int | None,
        district_id: int | None,
        subject_type: str,
        subject_id: int,
        action: str,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Returns once the event is committed; raises what the commit raised."""
        await self._write({
            "occurred_at": at, "district_id": district_id, "actor_id": actor_id,
            "subject_type": subject_type, "subject_id": subject_id, "action": action,
            "from_state": None, "to_state": None, "reason": reason, "details": details,
        })
