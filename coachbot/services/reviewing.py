"""Reviews: assign evidence to a reviewer, and record feedback or a decision against the rubric."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import (
    ChangedMeanwhile,
    InvalidInput,
    NotFound,
    NotPermitted,
    OwnWork,
    PreconditionFailed,
)
from coachbot.domain.journey import Move, State
from coachbot.domain.roles import Actor, Role
from coachbot.services import audit, calibration, idempotency
from coachbot.services.awarding import grant_award
from coachbot.services.journey import JourneyService, lock_pursuit
from coachbot.services.people import actor_of
from coachbot.services.review_news import queue_feedback
from coachbot.services.routing import pick_reviewer
from coachbot.storage.codec import policy_from_json, rubric_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    CredentialRow,
    District,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
)


class Decision(StrEnum):
    FEEDBACK = "feedback"  # on a draft
    EARNED = "earned"
    NOT_YET = "not_yet"


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
    replayed: bool = False


class ReviewService:
    def __init__(self, db: Database, clock: Clock, journey: JourneyService) -> None:
        self.db = db
        self.clock = clock
        self.journey = journey

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
            return await self._record(
                session, actor, review_id, decision, scores, strengths.strip(), feedback.strip()
            )

        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope="review"
        )
        return ReviewOutcome(**outcome, replayed=replayed)

    async def _record(
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
        open_status = "exercise" if review.purpose == "exercise" else "assigned"
        if review.status == "superseded":  # a colleague decided this submission first
            by, at = await self._decided_by(session, review)
            raise ChangedMeanwhile(state=pursuit.state, by=by, at=at, same=True)
        if review.status != open_status:
            raise PreconditionFailed(need="open_review", status=review.status)
        credential = await session.get(CredentialRow, pursuit.credential_id)
        assert credential is not None
        rubric = rubric_from_json(credential.rubric)
        chosen = rubric.validate_scores(scores)
        now = self.clock.now()
        outcome = {"review_id": review.id, "pursuit_id": pursuit.id, "award_id": None}
        if review.purpose == "exercise":  # an anchor scored for calibration: no decision
            review.status, review.completed_at = "completed", now
            review.scores = {name: level.name for name, level in chosen.items()}
            audit.record(
                session, at=now, actor=actor, district_id=pursuit.district_id,
                subject_type="pursuit", subject_id=pursuit.id, action="calibration_exercise",
                details={"review": review.id},
            )  # fmt: skip
            return outcome | {"decision": "scored", "state": pursuit.state, "waiting": "exercise"}
        if review.purpose == "feedback":
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
        other = await calibration.partner(session, review)
        if other is not None and other.status == "assigned":
            review.status = "scored"  # blind: waits for the other review, seen by nobody
            audit.record(
                session, at=now, actor=actor, district_id=pursuit.district_id,
                subject_type="pursuit", subject_id=pursuit.id, action="calibration_scored",
                details={"review": review.id},
            )  # fmt: skip
            return outcome | {"state": pursuit.state, "waiting": "partner"}
        if other is not None:
            other.status = "completed"
            if other.decision != review.decision:
                review.status = "completed"
                third = await calibration.send_to_third(
                    session, self.clock, pursuit, [other, review]
                )
                return outcome | {"state": pursuit.state, "waiting": "third", "third": third}
            panel = [other, review]
        elif review.purpose == "third":
            panel = await calibration.panel(session, review)
        result = await self.journey.apply_move(
            session, actor, pursuit, move, reason=feedback or None, details={"review": review.id}
        )
        review.status = "completed"
        # Anyone else still holding a review of this evidence is told, if they try, who decided.
        await session.execute(
            update(Review)
            .where(
                Review.evidence_version_id == review.evidence_version_id,
                Review.status == "assigned",
                Review.id != review.id,
            )
            .values(status="superseded", completed_at=now)
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
            panel_scores=[dict(r.scores or {}) for r in panel if r.purpose != "third"]
            if review.purpose != "third"
            else None,
        )
        return outcome | {"state": result.to_state}

    @staticmethod
    async def _decided_by(session: AsyncSession, review: Review) -> tuple[str, Any]:
        row = (
            await session.execute(
                select(Person.name, Review.completed_at)
                .join(Person, Person.id == Review.reviewer_id)
                .where(
                    Review.evidence_version_id == review.evidence_version_id,
                    Review.status == "completed",
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
