"""Audit events written in shared transactions (group commit), for busy read-only paths.

Opening an evidence file changes nothing but the audit trail, and many people may open files at
once. Each opener waits until *its* event is committed (an open is never served unrecorded),
but events that arrive while one transaction commits go together in the next: fifty opens at
once cost a couple of commits, not fifty queued behind SQLite's single writer.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from coachbot.storage.database import Database
from coachbot.storage.models import AuditEvent


class AuditBatches:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

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
        row = {
            "occurred_at": at, "district_id": district_id, "actor_id": actor_id,
            "subject_type": subject_type, "subject_id": subject_id, "action": action,
            "from_state": None, "to_state": None, "reason": reason, "details": details,
        }
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((row, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self.db.write() as session:
                    await session.execute(insert(AuditEvent), [row for row, _ in batch])
            except Exception as exc:  # each waiting opener hears it: nothing is served unrecorded
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
