"""Forms kept for a click, in the database: the click works after a restart and on any replica.

A platform opens a form only in answer to a click (Slack's trigger id, Discord's interaction),
so a form that cannot open now is kept here under a random token the button carries, with the
answers of the pages already submitted when it is asked in pages. Only the account it was kept
for can read it; rows older than ``KEEP`` are deleted as new ones are kept.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, update

from coachbot.clock import Clock
from coachbot.storage.database import Database
from coachbot.storage.models import KeptForm

KEEP = timedelta(days=2)  # a button older than that reads as stale


class KeptFormStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    async def keep(self, platform: str, account_id: str, form: dict[str, Any]) -> str:
        now = self.clock.now()
        token = secrets.token_urlsafe(12)  # 16 characters: room in any platform's button id
        async with self.db.write() as session:
            await session.execute(delete(KeptForm).where(KeptForm.created_at < now - KEEP))
            session.add(KeptForm(token=token, platform=platform, account_id=account_id,
                                 form=form, answers={}, created_at=now))
        return token

    async def get(self, token: str, platform: str,
                  account_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(the form, the answers so far), or None: unknown, too old, or someone else's."""
        async with self.db.read() as session:
            row = await session.get(KeptForm, token[:32])
        if (row is None or row.platform != platform or row.account_id != account_id
                or row.created_at < self.clock.now() - KEEP):
            return None
        return row.form, row.answers

    async def answer(self, token: str, answers: dict[str, Any]) -> None:
        async with self.db.write() as session:
            await session.execute(
                update(KeptForm).where(KeptForm.token == token).values(answers=answers)
            )

    async def drop(self, token: str) -> bool:
        """Delete the kept form; whether this call did (of two clicks at once, one does)."""
        async with self.db.write() as session:
            result = await session.execute(delete(KeptForm).where(KeptForm.token == token))
        return bool(cast("CursorResult[Any]", result).rowcount)
