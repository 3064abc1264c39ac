"""Files waiting for their part: sent when it was not obvious which part they are for.

The bot asks the teacher which part such a file is for. Until they answer, the file waits in
their basket (a draft item with no part, ``WAITING``), so typing something else ("status", a
question, a link) never loses it: the conversation reminds them of it and asks again, and it
leaves only when it is filed, or when the teacher says to let it go. Handing in leaves it
waiting too: it is not part of that hand-in, and it is still theirs to file.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Delete, delete, select

from coachbot.clock import Clock
from coachbot.domain import filetypes
from coachbot.domain.catalog import PartKind
from coachbot.domain.errors import NotPermitted, PreconditionFailed
from coachbot.domain.roles import Actor
from coachbot.services.evidence.basket import COLLECTING, WAITING
from coachbot.services.evidence.keeping import FileKeeper
from coachbot.storage.database import Database
from coachbot.storage.models import DraftItem, Pursuit


@dataclass(frozen=True)
class WaitingFile:
    pursuit_id: int
    file_name: str
    sha256: str
    size: int
    media_type: str


class WaitingFiles:
    def __init__(self, db: Database, clock: Clock, keeper: FileKeeper) -> None:
        self.db = db
        self.clock = clock
        self.keeper = keeper

    async def hold(
        self,
        actor: Actor,
        pursuit_id: int,
        *,
        file_name: str,
        size: int,
        sha256: str,
        content: bytes | None,
        head: bytes | None,
    ) -> None:
        """Keep the file's bytes and let it wait in the basket for the teacher's answer (the
        same file sent twice waits once)."""
        if content is not None:
            await self.keeper.keep_bytes("evidence", file_name, content, sha256)
        async with self.db.write() as session:
            pursuit = await session.get(Pursuit, pursuit_id)
            if pursuit is None:
                raise PreconditionFailed(need="pursuit")
            if pursuit.teacher_id != actor.person_id:
                raise NotPermitted(move="hand_in", parties=["owner"])
            await session.execute(_this(pursuit_id, sha256))
            session.add(
                DraftItem(
                    pursuit_id=pursuit_id,
                    requirement=WAITING,
                    kind=PartKind.FILE.value,
                    file_name=file_name,
                    file_size=size,
                    content_hash=sha256,
                    media_type=filetypes.sniff(head) if head else None,
                    added_at=self.clock.now(),
                )
            )

    async def pending(self, actor: Actor) -> list[WaitingFile]:
        """The teacher's files still waiting for a part, oldest first, on credentials they
        are still collecting evidence for."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(DraftItem, Pursuit.state)
                .join(Pursuit, Pursuit.id == DraftItem.pursuit_id)
                .where(Pursuit.teacher_id == actor.person_id, DraftItem.requirement == WAITING)
                .order_by(DraftItem.id)
            )
            return [
                WaitingFile(
                    item.pursuit_id,
                    item.file_name or "",
                    item.content_hash or "",
                    item.file_size or 0,
                    item.media_type or "",
                )
                for item, state in rows
                if state in {s.value for s in COLLECTING}
            ]

    async def let_go(self, actor: Actor, pursuit_id: int, sha256: str) -> str | None:
        """The teacher does not want this file after all: it stops waiting. Returns its name,
        or None when it was no longer waiting (filed or let go already)."""
        async with self.db.write() as session:
            pursuit = await session.get(Pursuit, pursuit_id)
            if pursuit is None or pursuit.teacher_id != actor.person_id:
                raise NotPermitted(move="hand_in", parties=["owner"])
            name = await session.scalar(
                select(DraftItem.file_name).where(
                    DraftItem.pursuit_id == pursuit_id,
                    DraftItem.requirement == WAITING,
                    DraftItem.content_hash == sha256,
                )
            )
            await session.execute(_this(pursuit_id, sha256))
            return name


def _this(pursuit_id: int, sha256: str) -> Delete:
    """The waiting row of this file, to replace or remove."""
    return delete(DraftItem).where(
        DraftItem.pursuit_id == pursuit_id,
        DraftItem.requirement == WAITING,
        DraftItem.content_hash == sha256,
    )
