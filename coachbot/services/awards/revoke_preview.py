"""What revoking a credential would undo, shown to the admin before the yes.

A dry run of the revocation, read-only: the stacks and pathways that would stop holding (the
same ``stops_holding`` the revocation runs), the credit each would lose (the same
``unreversed`` entries the ledger would take back), any committee request still open that
would be withdrawn, a role a pathway granted that would be taken back (or kept, held another
way: the same ``role_fate`` the undoing runs), and every stipend payroll already paid that
would be to recover. A trial admin learned only after confirming that the stipend had been
paid; nothing here changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.errors import NotFound
from coachbot.domain.ledger import EntryKind
from coachbot.domain.roles import Actor
from coachbot.services.awards.holding import stops_holding
from coachbot.services.awards.roles_undone import role_fate
from coachbot.services.awards.undoing import Losing, credit_lost, named, to_recover
from coachbot.services.ledger.committees import request_still_open
from coachbot.services.ledger.reversing import unreversed
from coachbot.storage.database import Database
from coachbot.storage.models import Award, CredentialRow, IssuedCredential, LedgerEntry


@dataclass(frozen=True)
class Paid:
    """A stipend payroll already paid, that revoking would mark to recover."""

    cents: int
    batch: str
    title: str  # "" for the credential's own stipend; else the stack or pathway's


@dataclass(frozen=True)
class RevokePreview:
    losing: list[Losing] = field(default_factory=list)
    paid: list[Paid] = field(default_factory=list)  # the award's own first


class RevokePreviews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of(self, by: Actor, public_id: str) -> RevokePreview:
        """What revoking the credential ``public_id`` would undo now (``NotFound`` outside the
        admin's district, as ``Credentials.about``). Nothing is written."""
        async with self.db.read() as session:
            issued = await session.scalar(
                select(IssuedCredential).where(IssuedCredential.public_id == public_id)
            )
            if issued is None or (not by.is_system and by.district_id != issued.district_id):
                raise NotFound(what="issued_credential", key=public_id)
            award = await session.get(Award, issued.award_id)
            assert award is not None  # an issued credential always has its award
            return await preview(session, award)


async def preview(session: AsyncSession, award: Award) -> RevokePreview:
    """Inside the caller's (read) transaction: the dry run for ``award``."""
    if award.revoked_at is not None:
        return RevokePreview()  # revoked already: a repeat undoes nothing more
    code = await session.scalar(
        select(CredentialRow.code).where(CredentialRow.id == award.credential_id)
    )
    assert code is not None
    paid = _paid(await unreversed(session, LedgerEntry.award_id == award.id), "")
    losing = []
    leaving = await stops_holding(session, award.teacher_id, award.id, code)
    ids = frozenset(c.id for c in leaving)
    for completion in leaving:
        undone = await named(session, completion)
        entries = await unreversed(session, LedgerEntry.completion_id == completion.id)
        paid.extend(_paid(entries, undone.title))
        steps, unpaid = credit_lost(entries)
        withdrawn = await request_still_open(session, completion.id) is not None
        role, fate = await role_fate(session, completion, ids)
        losing.append(Losing(undone, steps, unpaid, withdrawn, role, fate))
    return RevokePreview(losing, paid)


def _paid(entries: list[LedgerEntry], title: str) -> list[Paid]:
    return [
        Paid(e.amount_cents, e.batch_ref or "", title)
        for e in entries
        if e.kind == EntryKind.STIPEND.value and to_recover(e)
    ]
