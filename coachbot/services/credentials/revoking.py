"""Revoking a credential: the status list bit, the teacher told, the record, the credit undone.

One transaction sets the credential's revocation (its page and the district's signed
revocation list change at once), writes who revoked it and why to the audit trail, and queues
the teacher's news in the outbox (so a crash loses neither). Then the ``CreditReversal``
undoes what the award brought; it runs again on a repeated revocation, so a crash between the
two is mended by revoking once more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import InvalidInput, NotFound
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.roles import Actor
from coachbot.services.credentials.reversal import CreditReversal
from coachbot.services.record import audit, outbox
from coachbot.storage.database import Database
from coachbot.storage.models import Award, IssuedCredential, Person

PUBLIC_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def public_id_of(text: str) -> str:
    """The credential's id from its link (``…/credentials/ID``, ``.json`` or not) or the id
    alone; ``InvalidInput`` for anything else."""
    tail = text.strip().split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    tail = tail.removesuffix(".json").removesuffix(".png").lower()
    if not PUBLIC_ID.fullmatch(tail):
        raise InvalidInput(field="credential", hint="credential_link", value=text.strip()[:80])
    return tail


@dataclass(frozen=True)
class Revocable:
    """What an admin is asked to confirm before revoking."""

    public_id: str
    name: str
    teacher: str
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None
    code: str = ""  # the catalog's code (C-COACH): ``revoke EMAIL CODE`` picks it by this


class Revocations:
    def __init__(self, db: Database, clock: Clock, reversal: CreditReversal) -> None:
        self.db = db
        self.clock = clock
        self.reversal = reversal

    async def _row(
        self, session: AsyncSession, public_id: str, by: Actor | None, *, lock: bool = False
    ) -> IssuedCredential:
        query = select(IssuedCredential).where(IssuedCredential.public_id == public_id)
        row = await session.scalar(query.with_for_update() if lock else query)
        # Another district's credential is answered like a missing one: nothing is confirmed.
        if row is None or (
            by is not None and not by.is_system and by.district_id != row.district_id
        ):
            raise NotFound(what="issued_credential", key=public_id)
        return row

    async def about(self, by: Actor, public_id: str) -> Revocable:
        """The credential an admin of its district named, for the confirmation step."""
        async with self.db.read() as session:
            row = await self._row(session, public_id, by)
            teacher = await session.scalar(
                select(Person.name).join(Award, Award.teacher_id == Person.id)
                .where(Award.id == row.award_id)
            )  # fmt: skip
            return Revocable(
                row.public_id, str(row.document.get("name")), teacher or "", row.issued_at,
                row.revoked_at, row.revoked_reason,
            )  # fmt: skip

    async def revoke(
        self, public_id: str, reason: str, *, by: Actor | None = None
    ) -> tuple[IssuedCredential, bool, object]:
        """Revoke; returns the row, whether this call revoked it (False: it already was, and
        the first date and reason stand), and what the reversal returned (what it undid).
        ``by`` None: the district itself (the CLI)."""
        async with self.db.write() as session:
            row = await self._row(session, public_id, by, lock=True)
            fresh = row.revoked_at is None
            if fresh:
                await self._withdraw(session, row, by or Actor.system(row.district_id), reason)
            award_id = row.award_id
        undid = await self.reversal.reverse(award_id, row.revoked_reason or reason)
        return row, fresh, undid

    async def _withdraw(
        self, session: AsyncSession, row: IssuedCredential, by: Actor, reason: str
    ) -> None:
        now = self.clock.now()
        row.revoked_at, row.revoked_reason = now, reason
        audit.record(
            session, at=now, actor=by, district_id=row.district_id, subject_type="credential",
            subject_id=row.id, action="revoke_credential",
            details={"reason": reason, "award": row.award_id},
        )  # fmt: skip
        award = await session.get(Award, row.award_id)
        assert award is not None  # an issued credential always has its award
        outbox.queue(
            session, now, key=f"revoked:{row.public_id}", district_id=row.district_id,
            person_id=award.teacher_id, kind=NudgeKind.CREDENTIAL_REVOKED,
            subject=f"credential:{row.id}",
            params={"name": str(row.document.get("name")), "reason": reason,
                    "by": "" if by.is_system else by.name, "url": str(row.document.get("id"))},
        )  # fmt: skip
