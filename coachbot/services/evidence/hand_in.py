"""Handing in evidence: an immutable version (draft or formal) and the move it triggers.

Evidence reaches us two ways: all at once (a form with every part), or over several chat
messages collected in the draft basket. Either way the version, its parts, the emptied basket and
the journey move commit together, with whatever the caller's ``then`` adds in the same
transaction (the reviews wing routes the evidence there, see ``reviews.intake``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.catalog import PartKind
from coachbot.domain.errors import Incomplete, InvalidInput, NotPermitted, PreconditionFailed
from coachbot.domain.evidence import EvidenceKind, EvidencePart
from coachbot.domain.journey import Move, State
from coachbot.domain.planning import steps_done_by_hand_in
from coachbot.domain.precheck import DRAFT_MAY_CARRY, precheck
from coachbot.domain.roles import Actor
from coachbot.services.evidence.basket import WAITING, basket_parts
from coachbot.services.evidence.keeping import FileKeeper
from coachbot.services.journey.extra_tries import allowed_tries
from coachbot.services.journey.gate import JourneyService, already_out, lock_pursuit
from coachbot.services.journey.planning import local_today, window_for
from coachbot.services.record import idempotency
from coachbot.storage.codec import policy_from_json, requirements_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    CredentialRow,
    District,
    DraftItem,
    EvidencePartRow,
    EvidenceVersion,
    MilestoneRow,
    Pursuit,
    WorkPlan,
)

# Work done in the hand-in's own transaction after the version is stored: given the locked
# pursuit and the outcome so far, it returns what it did (as JSON, kept for a replay).
Then = Callable[[AsyncSession, Pursuit, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class HandedIn:
    pursuit_id: int
    version_id: int
    number: int
    kind: str
    state: str
    attempt: int
    replayed: bool = False
    routing: dict[str, Any] | None = None  # what ``then`` did, when one was given


class EvidenceService:
    def __init__(
        self, db: Database, clock: Clock, journey: JourneyService, keeper: FileKeeper
    ) -> None:
        self.db = db
        self.clock = clock
        self.journey = journey
        self.keeper = keeper

    async def hand_in(
        self,
        actor: Actor,
        pursuit_id: int,
        kind: EvidenceKind,
        parts: list[EvidencePart],
        *,
        note: str | None = None,
        idempotency_key: str | None = None,
        then: Then | None = None,
    ) -> HandedIn:
        """Store the version and move the pursuit (draft -> facilitator, formal -> submitted)."""
        if not parts:
            raise InvalidInput(field="evidence", hint="no_parts")
        await self.keeper.keep(parts)

        async def work(session: AsyncSession) -> dict[str, Any]:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            outcome = await self._hand_in(session, actor, pursuit, kind, parts, note)
            return await _then(session, pursuit, outcome, then)

        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope="hand_in"
        )
        return HandedIn(**outcome, replayed=replayed)

    async def hand_in_basket(
        self,
        actor: Actor,
        pursuit_id: int,
        kind: EvidenceKind,
        *,
        supplied: Sequence[EvidencePart] = (),
        idempotency_key: str | None = None,
        then: Then | None = None,
    ) -> HandedIn:
        """Hand in what the teacher collected in chat, and empty the basket.

        Parts the teacher did not resend are carried over from their last hand-in, so a
        resubmission after "not yet" only needs what changed. ``supplied`` parts (from the
        hand-in form) take the place of the basket's and the last hand-in's for their parts.
        """
        await self.keeper.keep(supplied)

        async def work(session: AsyncSession) -> dict[str, Any]:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            move = Move.SEND_DRAFT if kind is EvidenceKind.DRAFT else Move.SUBMIT
            await already_out(session, actor, pursuit, move, State(pursuit.state))
            parts, in_basket = await basket_parts(session, pursuit.id)
            if not in_basket and not supplied:
                raise InvalidInput(field="evidence", hint="no_parts")
            given = {part.requirement for part in supplied}
            parts = list(supplied) + [part for part in parts if part.requirement not in given]
            outcome = await self._hand_in(session, actor, pursuit, kind, parts, None)
            # A file still waiting for its part stays: it was not handed in, and is not lost.
            await session.execute(
                delete(DraftItem).where(
                    DraftItem.pursuit_id == pursuit.id, DraftItem.requirement != WAITING
                )
            )
            return await _then(session, pursuit, outcome, then)

        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope="hand_in"
        )
        return HandedIn(**outcome, replayed=replayed)

    async def _hand_in(
        self,
        session: AsyncSession,
        actor: Actor,
        pursuit: Pursuit,
        kind: EvidenceKind,
        parts: list[EvidencePart],
        note: str | None,
    ) -> dict[str, Any]:
        if actor.person_id != pursuit.teacher_id:
            raise NotPermitted(move="hand_in", parties=["owner"])
        district = await session.get(District, pursuit.district_id)
        assert district is not None
        policy = policy_from_json(district.policy)
        if kind is EvidenceKind.FORMAL:
            window = await window_for(session, pursuit)
            today = local_today(self.clock, district.timezone)
            if window and not window.contains(today):
                raise PreconditionFailed(
                    need="window_open",
                    opens=window.opens_on.isoformat(),
                    closes=window.closes_on.isoformat(),
                )
            if pursuit.attempts >= await allowed_tries(
                session, pursuit, policy.resubmission_limit
            ):
                raise PreconditionFailed(need="meet_facilitator", limit=pursuit.attempts)
        # The pre-check: nothing incomplete or unreadable reaches a person. A draft may leave
        # parts out (the facilitator sees work in progress; the chat asks first, saying what
        # is missing); what it holds must be usable.
        credential = await session.get(CredentialRow, pursuit.credential_id)
        assert credential is not None
        gaps = precheck(
            requirements_from_json(credential.requirements),
            parts,
            complete=kind is EvidenceKind.FORMAL,
        )
        if kind is EvidenceKind.DRAFT:  # sent as it is, after the chat said what is short
            gaps = [g for g in gaps if g.problem not in DRAFT_MAY_CARRY]
        if gaps:
            raise Incomplete(gaps=[g.to_json() for g in gaps], kind=kind.value)
        await self.keeper.check(parts)  # a recorded file is always a file someone can open
        number = (
            await session.scalar(
                select(func.max(EvidenceVersion.number)).where(
                    EvidenceVersion.pursuit_id == pursuit.id
                )
            )
            or 0
        ) + 1
        assert actor.person_id is not None
        version = EvidenceVersion(
            pursuit_id=pursuit.id,
            number=number,
            kind=kind.value,
            created_by=actor.person_id,
            created_at=self.clock.now(),
            note=note,
        )
        session.add(version)
        await session.flush()
        session.add_all(_part_row(version.id, i, part) for i, part in enumerate(parts))
        move = Move.SUBMIT if kind is EvidenceKind.FORMAL else Move.SEND_DRAFT
        if kind is EvidenceKind.FORMAL:
            pursuit.attempts += 1
        result = await self.journey.apply_move(
            session, actor, pursuit, move, details={"evidence_version": number, "parts": len(parts)}
        )
        # The plan's steps this hand-in shows done are ticked off with it, in its transaction.
        steps = steps_done_by_hand_in(
            [part.requirement for part in parts], formal=kind is EvidenceKind.FORMAL
        )
        await session.execute(
            update(MilestoneRow)
            .where(
                MilestoneRow.plan_id.in_(
                    select(WorkPlan.id).where(WorkPlan.pursuit_id == pursuit.id)
                ),
                MilestoneRow.done_at.is_(None),
                MilestoneRow.title.in_(sorted(steps)),
            )
            .values(done_at=self.clock.now())
            .execution_options(synchronize_session=False)
        )
        return {
            "pursuit_id": pursuit.id,
            "version_id": version.id,
            "number": number,
            "kind": kind.value,
            "state": result.to_state,
            "attempt": pursuit.attempts,
        }


async def _then(
    session: AsyncSession, pursuit: Pursuit, outcome: dict[str, Any], then: Then | None
) -> dict[str, Any]:
    if then is None:
        return outcome
    return outcome | {"routing": await then(session, pursuit, outcome)}


def _part_row(version_id: int, position: int, part: EvidencePart) -> EvidencePartRow:
    return EvidencePartRow(
        version_id=version_id,
        position=position,
        requirement=part.requirement,
        kind=PartKind(part.kind).value,
        text=part.text,
        url=part.url,
        file_name=part.file_name,
        file_size=part.file_size,
        content_hash=part.content_hash,
        media_type=part.media_type,
    )
