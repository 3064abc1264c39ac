"""Recording a review: scores against the rubric, feedback or a decision, and the teacher's news.

``Decider.decide`` finds the review, locks its pursuit and checks that the reviewer may still
record it and that the scores fit the rubric; then the review's purpose decides what recording
it does (``recording.Recorder``, a method per purpose). One transaction holds the decision, the
journey move, any award and the teacher's merged message in the outbox. A double-scored
submission (calibration) is decided only once both blind scores are in and agree; if they
differ, a third reviewer decides.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import (
    ChangedMeanwhile,
    NotFound,
    NotPermitted,
    OwnWork,
    PreconditionFailed,
)
from coachbot.domain.reviews import Decision, ReviewPurpose, ReviewStatus, open_status
from coachbot.domain.roles import Actor
from coachbot.services.credentials.issuing import CredentialIssuer
from coachbot.services.journey.gate import JourneyService, lock_pursuit
from coachbot.services.reviews.outcome import ReviewOutcome
from coachbot.services.reviews.recording import Recorder, Scored
from coachbot.storage.codec import rubric_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import CredentialRow, Person, Pursuit, Review

__all__ = ["Decider", "Decision", "ReviewOutcome"]

Record = Callable[[AsyncSession, Scored], Awaitable[ReviewOutcome]]


class Decider:
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
        self.recorder = Recorder(clock, journey, credentials)
        # What recording does, by the review's purpose; any other (official, second, third)
        # decides earned or not yet.
        self._by_purpose: dict[str, Record] = {
            ReviewPurpose.EXERCISE: self.recorder.exercise,
            ReviewPurpose.PEER: self.recorder.peer_comments,
            ReviewPurpose.FEEDBACK: self.recorder.draft_feedback,
        }

    async def decide(
        self,
        session: AsyncSession,
        actor: Actor,
        review_id: int,
        decision: Decision,
        scores: dict[str, str],
        strengths: str,
        feedback: str,
    ) -> ReviewOutcome:
        pursuit, review = await self._open_review(session, actor, review_id)
        credential = await session.get(CredentialRow, pursuit.credential_id)
        assert credential is not None
        rubric = rubric_from_json(credential.rubric)
        # A colleague's comments carry no scores: whatever came with them is not theirs to give.
        peer = review.purpose == ReviewPurpose.PEER
        chosen = {} if peer else rubric.validate_scores(scores)
        scored = Scored(
            actor=actor,
            pursuit=pursuit,
            review=review,
            credential=credential,
            rubric=rubric,
            decision=decision,
            scores={} if peer else scores,
            levels={name: level.name for name, level in chosen.items()},
            strengths=strengths,
            feedback=feedback,
            now=self.clock.now(),
        )
        record = self._by_purpose.get(review.purpose, self.recorder.decision)
        return await record(session, scored)

    async def _open_review(
        self, session: AsyncSession, actor: Actor, review_id: int
    ) -> tuple[Pursuit, Review]:
        """The review, read again under its pursuit's lock, if ``actor`` holds it open."""
        review = await session.get(Review, review_id)
        if review is None:
            raise NotFound(what="review", key=str(review_id))
        pursuit = await lock_pursuit(session, self.db, review.pursuit_id)
        await session.refresh(review)  # read it again under the pursuit's lock
        if pursuit.teacher_id == actor.person_id:
            raise OwnWork(move="review")
        if review.reviewer_id != actor.person_id:
            raise NotPermitted(move="review", parties=["reviewer"])
        if review.status == ReviewStatus.SUPERSEDED and review.purpose == ReviewPurpose.PEER:
            raise PreconditionFailed(need="draft_replaced")  # a newer hand-in replaced it
        if review.status == ReviewStatus.SUPERSEDED:  # a colleague decided this one first
            by, at = await self._decided_by(session, review)
            raise ChangedMeanwhile(state=pursuit.state, by=by, at=at, same=True)
        if review.status != open_status(review.purpose):
            raise PreconditionFailed(need="open_review", status=review.status)
        return pursuit, review

    @staticmethod
    async def _decided_by(session: AsyncSession, review: Review) -> tuple[str, datetime | None]:
        row = (
            await session.execute(
                select(Person.name, Review.completed_at)
                .join(Person, Person.id == Review.reviewer_id)
                .where(
                    Review.evidence_version_id == review.evidence_version_id,
                    Review.status == ReviewStatus.COMPLETED,
                    Review.decision.isnot(None),
                )
                .order_by(Review.completed_at.desc())
                .limit(1)
            )
        ).first()
        return (row[0], row[1]) if row else ("CoachBot", None)
