"""Reviews: assign evidence to a reviewer, and record feedback or a decision against the rubric
(the recording itself, with calibration's blind pairs, is ``deciding`` beside this module)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import (
    InvalidInput,
    NotFound,
    NotPermitted,
    PreconditionFailed,
)
from coachbot.domain.journey import Move, State
from coachbot.domain.reviews import ReviewPurpose, ReviewStatus
from coachbot.domain.roles import Actor
from coachbot.services.credentials.issuing import CredentialIssuer
from coachbot.services.district import due_on_a_school_day
from coachbot.services.journey.gate import JourneyService, lock_pursuit
from coachbot.services.record import audit, idempotency
from coachbot.services.reviews import blind_pairs, routing_news, waits
from coachbot.services.reviews.deciding import Decider, Decision, ReviewOutcome
from coachbot.services.reviews.eligibility import check_may_review
from coachbot.services.reviews.routing import context as routing_context
from coachbot.services.reviews.routing import pick_reviewer
from coachbot.storage.conflicts import retry_conflicts
from coachbot.storage.database import Database
from coachbot.storage.models import (
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
)

__all__ = ["Decision", "ReviewOutcome", "ReviewService"]


class ReviewService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        journey: JourneyService,
        credentials: CredentialIssuer | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.journey = journey
        self.decider = Decider(db, clock, journey, credentials)

    async def assign(
        self, actor: Actor, pursuit_id: int, reviewer_id: int, *, purpose: str | None = None
    ) -> int:
        """Put the pursuit's latest evidence in ``reviewer_id``'s queue; returns the review id.

        A formal submission assigned for review moves to "under review". The reviewer must be
        one the district allows for this work (see reviewer_checks) and never the teacher.
        ``purpose=ReviewPurpose.PEER`` adds a colleague's feedback on a draft, which moves nothing.
        """
        async with self.db.write() as session:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            return await self._assign(session, actor, pursuit, reviewer_id, purpose)

    async def route(self, pursuit_id: int) -> tuple[int, int] | None:
        """Assign the evidence to the best available reviewer: (review id, reviewer id), or None
        when nobody is available (the wait is recorded). A hand-in routes inside its own
        transaction instead (``HandIns``), with the news it causes."""
        async with self.db.write() as session:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            return await self.route_in(session, pursuit)

    async def route_in(self, session: AsyncSession, pursuit: Pursuit) -> tuple[int, int] | None:
        """``route`` inside a caller's transaction on a pursuit it has locked."""
        reviewer = await pick_reviewer(session, pursuit, now=self.clock.now())
        if reviewer is None:
            await waits.note(session, pursuit, self.clock.now())
            return None
        review = await self._assign(session, Actor.system(pursuit.district_id), pursuit, reviewer)
        return review, reviewer

    async def route_peer(self, pursuit_id: int) -> tuple[int, int] | None:
        """Where the district asks for peer review, also give a draft to a colleague from the
        teacher's school: (review id, colleague id), or None when the district has no peer
        review or no colleague has room. The facilitator's feedback still comes as usual."""
        async with self.db.write() as session:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            return await self.route_peer_in(session, pursuit)

    async def route_peer_in(
        self, session: AsyncSession, pursuit: Pursuit
    ) -> tuple[int, int] | None:
        """``route_peer`` inside a caller's transaction on a pursuit it has locked."""
        ctx = await routing_context(session, pursuit, ReviewPurpose.PEER)
        if not ctx.policy.peer_review or pursuit.state != State.DRAFT_WITH_FACILITATOR:
            return None
        peer = await pick_reviewer(
            session, pursuit, now=self.clock.now(), purpose=ReviewPurpose.PEER
        )
        if peer is None:
            return None
        actor = Actor.system(pursuit.district_id)
        return await self._assign(session, actor, pursuit, peer, ReviewPurpose.PEER), peer

    async def waiting(self, pursuit_id: int) -> waits.Waiting | None:
        """Whether the pursuit's evidence waits for a reviewer, and what to tell the teacher."""
        async with self.db.read() as session:
            return await waits.waiting(session, pursuit_id)

    @retry_conflicts  # crossing hand-offs update two reviewers' loads: a deadlock's victim
    async def hand_off(self, actor: Actor, review_id: int, reason: str) -> tuple[int, int] | None:
        """Pass an open review to a colleague with a reason; (new review, reviewer) or None.

        The colleague's message is written to the outbox in the same transaction, so the move
        and the news of it commit together (the dispatcher sends it)."""
        if not reason.strip():
            raise InvalidInput(field="reason", hint="reason_needed")
        async with self.db.write() as session:
            review = await session.get(Review, review_id)
            if review is None:
                raise NotFound(what="review", key=str(review_id))
            pursuit = await lock_pursuit(session, self.db, review.pursuit_id)
            await session.refresh(review)
            if review.reviewer_id != actor.person_id:
                raise NotPermitted(move="hand_off", parties=["reviewer"])
            if review.status != ReviewStatus.ASSIGNED:
                raise PreconditionFailed(need="open_review", status=review.status)
            colleague = await pick_reviewer(
                session,
                pursuit,
                exclude={review.reviewer_id},
                now=self.clock.now(),
                purpose=review.purpose,
            )
            if colleague is None:
                return None
            now = self.clock.now()
            review.status, review.completed_at = ReviewStatus.HANDED_OFF, now
            successor = Review(
                pursuit_id=pursuit.id,
                evidence_version_id=review.evidence_version_id,
                reviewer_id=colleague,
                purpose=review.purpose,
                status=ReviewStatus.ASSIGNED,
                assigned_at=now,
                due_at=review.due_at,
            )
            session.add(successor)
            await session.flush()
            audit.on_pursuit(
                session,
                pursuit,
                actor,
                "hand_off",
                at=now,
                reason=reason.strip(),
                details={"from": review.reviewer_id, "to": colleague},
            )
            await routing_news.handed_off(
                session, now, successor, pursuit, review.reviewer_id, reason.strip()
            )
            return successor.id, colleague

    async def assign_in(
        self,
        session: AsyncSession,
        actor: Actor,
        pursuit: Pursuit,
        reviewer_id: int,
        purpose: str | None = None,
    ) -> int:
        """``assign`` inside a caller's transaction on a pursuit it has locked (the sweep)."""
        return await self._assign(session, actor, pursuit, reviewer_id, purpose)

    async def _assign(
        self,
        session: AsyncSession,
        actor: Actor,
        pursuit: Pursuit,
        reviewer_id: int,
        purpose: str | None = None,
    ) -> int:
        state = State(pursuit.state)
        # A peer comments on a draft; a second official reviewer may join one under review.
        allowed_by_purpose: dict[str, set[State]] = {
            ReviewPurpose.PEER: {State.DRAFT_WITH_FACILITATOR},
            ReviewPurpose.OFFICIAL: {State.SUBMITTED, State.UNDER_REVIEW},
        }
        allowed = allowed_by_purpose.get(
            purpose or "", {State.DRAFT_WITH_FACILITATOR, State.SUBMITTED}
        )
        if state not in allowed:
            raise PreconditionFailed(need="evidence_to_review", state=state.value)
        reviewer = await session.get(Person, reviewer_id)
        if reviewer is None:
            raise NotFound(what="person", key=str(reviewer_id))
        ctx = await routing_context(session, pursuit, purpose)
        await check_may_review(session, ctx, reviewer)
        version = await session.scalar(
            select(EvidenceVersion)
            .where(EvidenceVersion.pursuit_id == pursuit.id)
            .order_by(EvidenceVersion.number.desc())
            .limit(1)
        )
        assert version is not None  # a draft or submitted pursuit always has evidence
        now = self.clock.now()
        due_at = await due_on_a_school_day(
            session, pursuit.district_id, now, ctx.policy.review_deadline_days
        )
        review = Review(
            pursuit_id=pursuit.id,
            evidence_version_id=version.id,
            reviewer_id=reviewer.id,
            purpose=ctx.purpose,
            status=ReviewStatus.ASSIGNED,
            assigned_at=now,
            due_at=due_at,
        )
        session.add(review)
        await session.flush()
        if ctx.purpose != ReviewPurpose.PEER:  # someone has it now, however it was found
            await waits.clear(session, pursuit.id)
        audit.on_pursuit(
            session,
            pursuit,
            actor,
            "assign_review",
            at=now,
            details={"review": review.id, "reviewer": reviewer.id, "purpose": ctx.purpose},
        )
        if state is State.SUBMITTED:
            await self.journey.apply_move(
                session, Actor.system(pursuit.district_id), pursuit, Move.START_REVIEW
            )
            await blind_pairs.sample(session, self.clock, pursuit, review)  # a blind second?
        return review.id

    @retry_conflicts  # a decision completes a pair's two reviews: two reviewers' loads
    async def record(
        self,
        actor: Actor,
        review_id: int,
        decision: Decision,
        scores: dict[str, str],
        *,
        strengths: str = "",
        feedback: str = "",
        idempotency_key: str | None = None,
    ) -> ReviewOutcome:
        async def work(session: AsyncSession) -> dict[str, Any]:
            outcome = await self.decider.decide(
                session, actor, review_id, decision, scores, strengths.strip(), feedback.strip()
            )
            return outcome.to_json()

        # The first time and a replay alike read the outcome back from what is stored.
        stored, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope="review"
        )
        return ReviewOutcome.from_json(stored, replayed=replayed)
