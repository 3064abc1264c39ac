"""Which of a teacher's stack and pathway completions stop holding when one award is revoked.

The one decision both the revocation (``awards.undoing.UndoCompletions``) and its preview
(``awards.revoke_preview``) make, so that what the admin is shown before the yes is exactly
what the yes then undoes. The revocation asks after the award is marked revoked, the preview
before; ``earned_codes(..., without=award)`` reads the same either way.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.catalog import Stack
from coachbot.services.awards.awarding import earned_codes, pathway_of
from coachbot.storage.models import (
    Completion,
    CredentialRow,
    PathwayRow,
    StackCredential,
    StackRow,
)


async def stops_holding(
    session: AsyncSession, teacher_id: int, award_id: int, revoked: str, *, lock: bool = False
) -> list[Completion]:
    """The teacher's standing completions that held with the ``revoked`` credential (the code
    of award ``award_id``) and no longer do without that award (counting the other awards not
    revoked, plus recognitions). One that a later catalog change left unmet, whatever this
    credential, is not this revocation's to undo. ``lock``: the rows are locked for update
    (the revocation changes them; the preview only reads)."""
    earned = await earned_codes(session, teacher_id, without=award_id)
    before = earned | {revoked}
    query = (
        select(Completion)
        .where(Completion.teacher_id == teacher_id, Completion.undone_at.is_(None))
        .order_by(Completion.id)
    )
    gone = []
    for completion in await session.scalars(query.with_for_update() if lock else query):
        if completion.kind == "stack":
            stack = await session.get(StackRow, completion.subject_id)
            if stack is None:
                continue
            codes = await session.scalars(
                select(CredentialRow.code)
                .join(StackCredential, StackCredential.credential_id == CredentialRow.id)
                .where(StackCredential.stack_id == stack.id)
            )
            shape = Stack(stack.code, stack.title, tuple(codes))
            held, holds = shape.is_complete(before), shape.is_complete(earned)
        else:
            row = await session.get(PathwayRow, completion.subject_id)
            if row is None:
                continue
            pathway = await pathway_of(session, row)
            held, holds = pathway.progress(before).complete, pathway.progress(earned).complete
        if held and not holds:
            gone.append(completion)
    return gone
