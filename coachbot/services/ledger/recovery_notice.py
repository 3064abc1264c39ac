"""The teacher's revocation notice names the paid stipend that is now to be recovered.

Revoking a credential whose stipend payroll already paid reverses it as ``to_recover``: the
money is hers until HR gets it back. The admin who revoked is told at once; the teacher must be
told too, in the notice she gets, or HR's call comes as a surprise. This is the last step of the
reversal (after the ledger wrote its entries), so the amounts and batches are the ledger's own;
it changes only a notice that still waits, and runs again harmlessly on a repeated revocation.
"""

from __future__ import annotations

from sqlalchemy import select

from coachbot.services.ledger.service import LedgerService
from coachbot.services.record import outbox
from coachbot.storage.database import Database
from coachbot.storage.models import Award, IssuedCredential, NudgeRow


class RecoveryInNotice:
    def __init__(self, db: Database, ledger: LedgerService) -> None:
        self.db, self.ledger = db, ledger

    async def reverse(self, award_id: int, reason: str) -> None:
        async with self.db.read() as session:
            award = await session.get(Award, award_id)
            public_id = await session.scalar(
                select(IssuedCredential.public_id).where(IssuedCredential.award_id == award_id)
            )
        if award is None or award.revoked_at is None or public_id is None:
            return
        items = await self.ledger.to_recover(award_id, award.revoked_at)
        if not items:
            return
        owed = [{"cents": r.cents, "batch": r.batch} for r in items]
        async with self.db.write() as session:
            notice = await session.scalar(
                select(NudgeRow)
                .where(NudgeRow.key == f"revoked:{public_id}", NudgeRow.status.in_(outbox.UNSENT))
                .with_for_update()
            )
            if notice is not None:
                notice.params = {**notice.params, "to_recover": owed}
