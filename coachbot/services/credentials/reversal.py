"""What revoking a credential undoes: the credit its award brought.

The core only knows that an award stops counting; what else it brought (hours, points, a
stipend on a ledger) is reversed by whatever ``CreditReversal`` the composition root wires in.
The default marks the award revoked, which is enough for every count CoachBot makes itself
(credit totals, stipend budgets, cohort progress, stacks and pathways, routing). A ledger
plugs in here by wrapping it.
"""

from __future__ import annotations

from typing import Protocol

from coachbot.clock import Clock
from coachbot.storage.database import Database
from coachbot.storage.models import Award


class CreditReversal(Protocol):
    """Undo what an award brought. Called after the revocation is committed, and again if an
    admin revokes the same credential once more, so it must be idempotent. What it returns
    is passed back to the revoker as is (the conversation tells the admin what it undid)."""

    async def reverse(self, award_id: int, reason: str) -> object: ...


class MarkAwardRevoked:
    """The default reversal: the award no longer counts anywhere CoachBot counts awards."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def reverse(self, award_id: int, reason: str) -> None:
        async with self.db.write() as session:
            award = await session.get(Award, award_id, with_for_update=True)
            if award is not None and award.revoked_at is None:
                award.revoked_at = self.clock.now()


class Undo(Protocol):
    """One step of a reversal; what it returns (say, entries written) is its own business."""

    async def reverse(self, award_id: int, reason: str) -> object: ...


class OneAfterAnother:
    """Several reversals as one, in order: the award stops counting, the stacks and pathways
    that no longer hold without it are undone (``awards.undoing``), then the ledger takes its
    credits back with reversing entries. Each step is idempotent, so the whole is too."""

    def __init__(self, *steps: Undo) -> None:
        self.steps = steps

    async def reverse(self, award_id: int, reason: str) -> list[object]:
        """Each step's result, in order."""
        return [await step.reverse(award_id, reason) for step in self.steps]
