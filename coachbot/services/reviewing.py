"""Reviews: assign evidence to a reviewer, and record feedback or a decision against the rubric
(the recording itself, with calibration's blind pairs, is ``coachbot.services.deciding``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import (
    InvalidInput,
    NotFound,
    NotPermitted,
    OwnWork,
    PreconditionFailed,
)
from coachbot.domain.journey import Move, State
from coachbot.domain.roles import Actor, Role
from coachbot.services import audit, calibration, idempotency
from coachbot.services.deciding import Decider, Decision, ReviewOutcome
from coachbot.services.journey import JourneyService, lock_pursuit
from coachbot.services.people import actor_of
from coachbot.services.routing import pick_reviewer
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    District,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
)

__all__ = ["Decision", "ReviewOutcome", "ReviewService"]


class ReviewService:
    def __init__(self, db: Database, clock: Clock, journey: JourneyService) -> None:
        self.db = db
        self.clock = clock
        self.journey = journey
        self.decider = Decider(db, clock, journey)

    async def assign(self, actor: Actor, pursuit_id: int, reviewer_id: int) -> int:
        """Put the pursuit's latest evidence in ``reviewer_id``'s queue; returns the review id.

        A formal submission assigned for review moves to "under review". The reviewer must be a
        facilitator of the district and can never be the teacher.
        """
        async with self.db.write() as session:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            return await self._assign(session, actor, pursuit, reviewer_id)

    async def route(self, pursuit_id: int) -> tuple[int, int] | None:
        """Assign the evidence to the best available reviewer: (review id, reviewer id), or None
        when nobody is available (the caller tells the teacher and the admins)."""
        async with self.db.write() as session:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            reviewer = await pick_reviewer(session, pursuit)
            if reviewer is None:
                return None
            review = await self._assign(
                session, Actor.system(pursuit.district_id), pursuit, reviewer
            )
            return review, reviewer

    async def hand_off(self, actor: Actor, review_id: int, reason: str) -> tuple[int, int] | None:
        """Pass an open review to a colleague with a reason; (new review, reviewer) or None."""
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
            if review.status != "assigned":
                raise PreconditionFailed(need="open_review", status=review.status)
            colleague = await pick_reviewer(session, pursuit, exclude={review.reviewer_id})
            if colleague is None:
                return None
            now = self.clock.now()
            review.status, review.completed_at = "handed_off", now
            successor = Review(
                pursuit_id=pursuit.id,
                evidence_version_id=review.evidence_version_id,
                reviewer_id=colleague,
                purpose=review.purpose,
                status="assigned",
                assigned_at=now,
                due_at=review.due_at,
            )
            session.add(successor)
            await session.flush()
            audit.record(
                session,
                at=now,
                actor=actor,
                district_id=pursuit.district_id,
                subject_type="pursuit",
                subject_id=pursuit.id,
                action="hand_off",
                reason=reason.strip(),
                details={"from": review.reviewer_id, "to": colleague},
            )
            return successor.id, colleague

    async def _assign(
        self, session: AsyncSession, actor: Actor, pursuit: Pursuit, reviewer_id: int
    ) -> int:
        state = State(pursuit.state)
        if state not in (State.DRAFT_WITH_FACILITATOR, State.SUBMITTED):
            raise PreconditionFailed(need="evidence_to_review", state=state.value)
        reviewer = await session.get(Person, reviewer_id)
        if reviewer is None:
            raise NotFound(what="person", key=str(reviewer_id))
        if reviewer.id == pursuit.teacher_id:
            raise OwnWork(move="review")
        reviewer_actor = actor_of(reviewer)
        if reviewer.district_id != pursuit.district_id or not reviewer_actor.has_role(
            Role.FACILITATOR, anywhere=True
        ):
            raise NotPermitted(move="review", parties=["reviewer"])
        version = await session.scalar(
            select(EvidenceVersion)
            .where(EvidenceVersion.pursuit_id == pursuit.id)
            .order_by(EvidenceVersion.number.desc())
            .limit(1)
        )
        assert version is not None  # a draft or submitted pursuit always has evidence
        district = await session.get(District, pursuit.district_id)
        assert district is not None
        policy = policy_from_json(district.policy)
        now = self.clock.now()
        review = Review(
            pursuit_id=pursuit.id,
            evidence_version_id=version.id,
            reviewer_id=reviewer.id,
            purpose="feedback" if version.kind == "draft" else "official",
            status="assigned",
            assigned_at=now,
            due_at=now + timedelta(days=policy.review_deadline_days),
        )
        session.add(review)
        await session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            district_id=pursuit.district_id,
            subject_type="pursuit",
            subject_id=pursuit.id,
            action="assign_review",
            details={"review": review.id, "reviewer": reviewer.id},
        )
        if state is State.SUBMITTED:
            await self.journey.apply_move(
                session, Actor.system(pursuit.district_id), pursuit, Move.START_REVIEW
            )
            await calibration.sample(session, self.clock, pursuit, review)  # a blind second?
        return review.id

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
            return await self.decider.decide(
                session, actor, review_id, decision, scores, strengths.strip(), feedback.strip()
            )

        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope="review"
        )
        return ReviewOutcome(**outcome, replayed=replayed)
