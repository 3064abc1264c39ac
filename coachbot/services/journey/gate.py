"""The one gate every change of a pursuit's state goes through.

``apply_move`` runs inside a caller's write transaction so that an operation such as "hand in
evidence and submit" is one unit: the evidence and the move commit together or not at all.
The pursuit row is locked (PostgreSQL) or the write lock is already held (SQLite) before its state
is read, so two people acting at once are serialised and the second is told what happened.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import ChangedMeanwhile, NotFound, PreconditionFailed
from coachbot.domain.journey import RULES, Move, PursuitFacts, State, check_move
from coachbot.domain.reviews import ReviewPurpose, ReviewStatus
from coachbot.domain.roles import Actor
from coachbot.services.record import audit, idempotency
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    AuditEvent,
    CredentialRow,
    District,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
    WorkPlan,
)

DECISIONS = frozenset({Move.AWARD, Move.NOT_YET, Move.RETURN_DRAFT})


@dataclass(frozen=True)
class MoveResult:
    pursuit_id: int
    move: str
    from_state: str
    to_state: str
    version: int
    replayed: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("replayed")
        return data


async def lock_pursuit(session: AsyncSession, db: Database, pursuit_id: int) -> Pursuit:
    statement = select(Pursuit).where(Pursuit.id == pursuit_id)
    if not db.is_sqlite:
        statement = statement.with_for_update()
    pursuit = (await session.execute(statement)).scalar_one_or_none()
    if pursuit is None:
        raise NotFound(what="pursuit", key=str(pursuit_id))
    return pursuit


async def _last_change(
    session: AsyncSession, pursuit_id: int, action: str | None = None
) -> tuple[str, datetime | None, int | None]:
    """Who last changed the pursuit (or last made ``action`` on it), when, and their id."""
    query = (
        select(Person.name, AuditEvent.occurred_at, AuditEvent.actor_id)
        .join(Person, Person.id == AuditEvent.actor_id, isouter=True)
        .where(AuditEvent.subject_type == "pursuit", AuditEvent.subject_id == pursuit_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if action is not None:
        query = query.where(AuditEvent.action == action)
    row = (await session.execute(query)).first()
    if row is None:
        return "CoachBot", None, None
    return row[0] or "CoachBot", row[1], row[2]


HAND_INS = (Move.SEND_DRAFT, Move.SUBMIT)
# The work is already with a reviewer, by the move that put it there.
OUT_BY = {
    State.SUBMITTED: Move.SUBMIT,
    State.UNDER_REVIEW: Move.SUBMIT,
    State.DRAFT_WITH_FACILITATOR: Move.SEND_DRAFT,
}


async def already_out(
    session: AsyncSession, actor: Actor, pursuit: Pursuit, move: Move, state: State
) -> None:
    """A draft or a submission tried while the work is already with a reviewer: say when it
    was handed in, and by whom ("you", for the teacher's own work). A formal submission while
    a draft is out is left to the rules (it says what can happen from there)."""
    out_by = OUT_BY.get(state)
    submit_while_draft_out = out_by is Move.SEND_DRAFT and move is Move.SUBMIT
    if move not in HAND_INS or out_by is None or submit_while_draft_out:
        return
    by, at, by_id = await _last_change(session, pursuit.id, out_by.value)
    if at is None:
        return
    you = by_id is not None and by_id == actor.person_id
    raise ChangedMeanwhile(state=state.value, by=by, at=at, same=True, you=you, move=out_by.value)


class JourneyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def move(
        self,
        actor: Actor,
        pursuit_id: int,
        move: Move,
        *,
        reason: str | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> MoveResult:
        """Make one move as its own unit of work."""

        async def work(session: AsyncSession) -> dict[str, Any]:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            result = await self.apply_move(
                session, actor, pursuit, move, reason=reason, expected_version=expected_version
            )
            return result.to_json()

        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope="move"
        )
        return MoveResult(**outcome, replayed=replayed)

    async def facts(self, session: AsyncSession, pursuit: Pursuit) -> PursuitFacts:
        district = await session.get(District, pursuit.district_id)
        teacher = await session.get(Person, pursuit.teacher_id)
        assert district is not None and teacher is not None  # foreign keys guarantee both
        policy = policy_from_json(district.policy)
        # Who was given the latest evidence to decide on. A review being completed in this very
        # transaction still counts (its status changes before the move is checked), and a peer's
        # comments never move the journey.
        latest = (
            select(func.max(EvidenceVersion.id))
            .where(EvidenceVersion.pursuit_id == pursuit.id)
            .scalar_subquery()
        )
        reviewers = await session.scalars(
            select(Review.reviewer_id).where(
                Review.pursuit_id == pursuit.id,
                Review.evidence_version_id == latest,
                Review.status.in_((ReviewStatus.ASSIGNED, ReviewStatus.COMPLETED)),
                Review.purpose != ReviewPurpose.PEER,
            )
        )
        return PursuitFacts(
            teacher_id=pursuit.teacher_id,
            teacher_school_id=teacher.school_id,
            district_id=pursuit.district_id,
            state=State(pursuit.state),
            approver_roles=frozenset(policy.approver_roles),
            assigned_reviewer_ids=frozenset(reviewers),
        )

    async def apply_move(
        self,
        session: AsyncSession,
        actor: Actor,
        pursuit: Pursuit,
        move: Move,
        *,
        reason: str | None = None,
        expected_version: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> MoveResult:
        """Check and make ``move`` on a pursuit the caller has locked; audit it."""
        state = State(pursuit.state)
        rule = RULES[move]
        await already_out(session, actor, pursuit, move, state)
        stale = expected_version is not None and pursuit.version != expected_version
        # A reviewer's decision finds the pursuit already decided: another reviewer got there
        # first (two reviewers on one submission), so say who, not just "not allowed".
        overtaken = move in DECISIONS and state not in rule.sources
        if stale or overtaken or (state not in rule.sources and state is rule.target):
            # Someone acted first. If they made this very move (two approvers at once, a button
            # pressed on an old message), say so; otherwise say what changed.
            # "you" when it was this very person: the answer then speaks of their own work.
            by, at, by_id = await _last_change(session, pursuit.id, move.value)
            same_outcome = state is rule.target or not overtaken
            you = by_id is not None and by_id == actor.person_id
            if at is not None and state not in rule.sources and same_outcome:
                raise ChangedMeanwhile(
                    state=state.value, by=by, at=at, same=True, you=you, move=move.value
                )
            if stale or overtaken:
                by, at, by_id = await _last_change(session, pursuit.id)
                you = by_id is not None and by_id == actor.person_id
                raise ChangedMeanwhile(
                    state=state.value, by=by, at=at, same=False, you=you, move=move.value
                )
        facts = await self.facts(session, pursuit)
        target = check_move(actor, move, facts, reason)
        await self._check_preconditions(session, pursuit, move)
        now = self.clock.now()
        pursuit.state = target.value
        pursuit.version += 1
        pursuit.updated_at = now
        if actor.person_id == pursuit.teacher_id:
            pursuit.last_activity_at = now
        audit.on_pursuit(
            session,
            pursuit,
            actor,
            move.value,
            at=now,
            from_state=state.value,
            to_state=target.value,
            reason=reason,
            details=details,
        )
        await session.flush()
        return MoveResult(pursuit.id, move.value, state.value, target.value, pursuit.version)

    async def _check_preconditions(
        self, session: AsyncSession, pursuit: Pursuit, move: Move
    ) -> None:
        """Steps out of order: say what has to happen first."""
        if move in (Move.START_PLANNING, Move.REQUEST_APPROVAL) and pursuit.state == State.PROPOSED:
            district = await session.get(District, pursuit.district_id)
            credential = await session.get(CredentialRow, pursuit.credential_id)
            assert district is not None and credential is not None
            needed = policy_from_json(district.policy).needs_preapproval(credential.code)
            if move is Move.START_PLANNING and needed:
                raise PreconditionFailed(need="approval", credential=credential.title)
            if move is Move.REQUEST_APPROVAL and not needed:
                raise PreconditionFailed(need="no_approval_needed", credential=credential.title)
        elif move is Move.START_WORK:
            plan = await session.scalar(
                select(WorkPlan.id).where(WorkPlan.pursuit_id == pursuit.id)
            )
            if plan is None:
                raise PreconditionFailed(need="plan")
        elif move in (Move.SEND_DRAFT, Move.SUBMIT):
            kind = "draft" if move is Move.SEND_DRAFT else "formal"
            latest = await session.scalar(
                select(EvidenceVersion.kind)
                .where(EvidenceVersion.pursuit_id == pursuit.id)
                .order_by(EvidenceVersion.number.desc())
                .limit(1)
            )
            if latest != kind:
                raise PreconditionFailed(need=f"{kind}_evidence")

    async def note(self, actor: Actor, pursuit_id: int, action: str, text: str) -> None:
        """Record something the teacher did that moves no state (asked for help, a note)."""
        async with self.db.write() as session:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            now = self.clock.now()
            if actor.person_id == pursuit.teacher_id:
                pursuit.last_activity_at = now
            audit.on_pursuit(session, pursuit, actor, action, at=now, reason=text.strip() or None)
