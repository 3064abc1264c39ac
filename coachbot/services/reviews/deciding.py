"""Recording a review: scores against the rubric, feedback or a decision, and the teacher's news.

One transaction holds the decision, the journey move, any award and the teacher's merged message
in the outbox. A double-scored submission (calibration) is decided only once both blind scores
are in and agree; if they differ, a third reviewer decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.catalog import Rubric
from coachbot.domain.errors import (
    ChangedMeanwhile,
    InvalidInput,
    NotFound,
    NotPermitted,
    OwnWork,
    PreconditionFailed,
)
from coachbot.domain.journey import Move
from coachbot.domain.reviews import Decision, ReviewPurpose, ReviewStatus, WaitingOn, open_status
from coachbot.domain.roles import Actor
from coachbot.services.awards.awarding import grant_award
from coachbot.services.journey.gate import JourneyService, lock_pursuit
from coachbot.services.record import audit
from coachbot.services.reviews import blind_pairs
from coachbot.services.reviews.news import queue_feedback
from coachbot.storage.codec import policy_from_json, rubric_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import CredentialRow, District, Person, Pursuit, Review


@dataclass(frozen=True)
class ReviewOutcome:
    review_id: int
    pursuit_id: int
    decision: str
    state: str
    award_id: int | None = None
    # Set when the decision does not stand yet: "partner" (the blind second review is still
    # open), "third" (the two disagree: a third reviewer decides), "exercise" (an anchor).
    waiting: str | None = None
    third: int | None = None  # who decides a disagreement
    purpose: str = "official"  # feedback | official | peer | second | third | exercise
    replayed: bool = False


class Decider:
    def __init__(self, db: Database, clock: Clock, journey: JourneyService) -> None:
        self.db = db
        self.clock = clock
        self.journey = journey

    async def decide(
        self,
        session: AsyncSession,
        actor: Actor,
        review_id: int,
        decision: Decision,
        scores: dict[str, str],
        strengths: str,
        feedback: str,
    ) -> dict[str, Any]:
        review = await session.get(Review, review_id)
        if review is None:
            raise NotFound(what="review", key=str(review_id))
        pursuit = await lock_pursuit(session, self.db, review.pursuit_id)
        await session.refresh(review)  # read it again under the pursuit's lock
        if pursuit.teacher_id == actor.person_id:
            raise OwnWork(move="review")
        if review.reviewer_id != actor.person_id:
            raise NotPermitted(move="review", parties=["reviewer"])
        if review.status == ReviewStatus.SUPERSEDED:  # a colleague decided this submission first
            by, at = await self._decided_by(session, review)
            raise ChangedMeanwhile(state=pursuit.state, by=by, at=at, same=True)
        if review.status != open_status(review.purpose):
            raise PreconditionFailed(need="open_review", status=review.status)
        credential = await session.get(CredentialRow, pursuit.credential_id)
        assert credential is not None
        rubric = rubric_from_json(credential.rubric)
        chosen = rubric.validate_scores(scores)
        now = self.clock.now()
        outcome = {
            "review_id": review.id,
            "pursuit_id": pursuit.id,
            "award_id": None,
            "purpose": review.purpose,
        }
        if (
            review.purpose == ReviewPurpose.EXERCISE
        ):  # an anchor scored for calibration: no decision
            review.status, review.completed_at = ReviewStatus.COMPLETED, now
            review.scores = {name: level.name for name, level in chosen.items()}
            audit.on_pursuit(
                session, pursuit, actor, "calibration_exercise", at=now,
                details={"review": review.id},
            )  # fmt: skip
            scored = {"decision": "scored", "state": pursuit.state, "waiting": WaitingOn.EXERCISE}
            return outcome | scored
        if (
            review.purpose == ReviewPurpose.PEER
        ):  # a colleague's view of a draft: informs, moves nothing
            return outcome | await self._peer(
                session, actor, pursuit, review, credential.title, rubric, decision, chosen,
                strengths, feedback,
            )  # fmt: skip
        if review.purpose == ReviewPurpose.FEEDBACK:
            if decision is not Decision.FEEDBACK:
                raise InvalidInput(field="decision", hint="draft_gets_feedback")
            move = Move.RETURN_DRAFT
        elif decision is Decision.EARNED:
            below = rubric.below_standard(scores)
            if below:
                raise InvalidInput(field="decision", hint="earned_needs_passing", criteria=below)
            move = Move.AWARD
        elif decision is Decision.NOT_YET:
            move = Move.NOT_YET
        else:
            raise InvalidInput(field="decision", hint="official_needs_decision")
        if decision is not Decision.EARNED and not feedback:
            raise InvalidInput(field="feedback", hint="feedback_needed")
        # The review stays "assigned" until the move is made: the journey's gate knows its
        # reviewer by the open reviews of the pursuit.
        review.completed_at, review.decision = now, decision.value
        review.scores = {name: level.name for name, level in chosen.items()}
        review.strengths, review.feedback = strengths or None, feedback or None
        outcome["decision"] = decision.value
        # Calibration: a double-scored submission is decided only when both blind scores are in
        # and agree; a disagreement goes to a third reviewer, whose decision stands.
        panel = [review]
        other = await blind_pairs.partner(session, review)
        if other is not None and other.status == ReviewStatus.ASSIGNED:
            review.status = ReviewStatus.SCORED  # blind: waits for the other review, seen by nobody
            audit.on_pursuit(
                session, pursuit, actor, "calibration_scored", at=now, details={"review": review.id}
            )
            return outcome | {"state": pursuit.state, "waiting": WaitingOn.PARTNER}
        if other is not None:
            other.status = ReviewStatus.COMPLETED
            if other.decision != review.decision:
                review.status = ReviewStatus.COMPLETED
                third = await blind_pairs.send_to_third(
                    session, self.clock, pursuit, [other, review]
                )
                return outcome | {
                    "state": pursuit.state,
                    "waiting": WaitingOn.THIRD,
                    "third": third,
                }
            panel = [other, review]
        elif review.purpose == ReviewPurpose.THIRD:
            panel = await blind_pairs.panel(session, review)
        result = await self.journey.apply_move(
            session, actor, pursuit, move, reason=feedback or None, details={"review": review.id}
        )
        review.status = ReviewStatus.COMPLETED
        # Anyone else still holding a review of this evidence is told, if they try, who decided.
        await session.execute(
            update(Review)
            .where(
                Review.evidence_version_id == review.evidence_version_id,
                Review.status == ReviewStatus.ASSIGNED,
                Review.id != review.id,
            )
            .values(status=ReviewStatus.SUPERSEDED, completed_at=now)
        )
        if move is Move.AWARD:
            outcome["award_id"] = await grant_award(
                session, self.clock, actor, pursuit, credential, review
            )
        district = await session.get(District, pursuit.district_id)
        assert district is not None
        names = await self._names(session, [r.reviewer_id for r in panel])
        await queue_feedback(
            session,
            now,
            pursuit=pursuit,
            review=review,
            credential_title=credential.title,
            rubric=rubric,
            policy=policy_from_json(district.policy),
            reviewers=names,
            strengths=[r.strengths or "" for r in panel],
            changes=[r.feedback or "" for r in panel],
            award_id=outcome["award_id"],
            panel_scores=[dict(r.scores or {}) for r in panel if r.purpose != ReviewPurpose.THIRD]
            if review.purpose != ReviewPurpose.THIRD
            else None,
        )
        return outcome | {"state": result.to_state}

    async def _peer(
        self,
        session: AsyncSession,
        actor: Actor,
        pursuit: Pursuit,
        review: Review,
        credential_title: str,
        rubric: Rubric,
        decision: Decision,
        chosen: dict[str, Any],
        strengths: str,
        feedback: str,
    ) -> dict[str, Any]:
        """Record a peer's comments on a draft and queue them for the teacher; the draft stays
        with the facilitator, whose feedback returns it."""
        if decision is not Decision.FEEDBACK:
            raise InvalidInput(field="decision", hint="draft_gets_feedback")
        if not feedback:
            raise InvalidInput(field="feedback", hint="feedback_needed")
        now = self.clock.now()
        review.status, review.completed_at, review.decision = (
            ReviewStatus.COMPLETED,
            now,
            decision.value,
        )
        review.scores = {name: level.name for name, level in chosen.items()}
        review.strengths, review.feedback = strengths or None, feedback
        audit.on_pursuit(
            session, pursuit, actor, "peer_feedback", at=now, details={"review": review.id}
        )
        district = await session.get(District, pursuit.district_id)
        assert district is not None
        await queue_feedback(
            session,
            now,
            pursuit=pursuit,
            review=review,
            credential_title=credential_title,
            rubric=rubric,
            policy=policy_from_json(district.policy),
            reviewers=await self._names(session, [review.reviewer_id]),
            strengths=[strengths],
            changes=[feedback],
        )
        return {"decision": decision.value, "state": pursuit.state}

    @staticmethod
    async def _decided_by(session: AsyncSession, review: Review) -> tuple[str, Any]:
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

    @staticmethod
    async def _names(session: AsyncSession, ids: list[int]) -> list[str]:
        rows = dict(
            (await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))).all()
        )
        return [rows[i] for i in ids if i in rows]
