"""Recording a scored review, one method per purpose.

``Decider`` (beside this module) finds the review, locks its pursuit, checks the reviewer and
the scores, and hands a ``Scored`` to the method for the review's purpose:

- ``exercise``: an anchor exercise keeps the scores and decides nothing.
- ``peer_comments``: a colleague's comments on a draft reach the teacher and move nothing.
- ``draft_feedback``: a facilitator's feedback returns the draft to the teacher.
- ``decision``: earned or not yet on a formal submission (an official, second or third review),
  which stands only once calibration's blind pair agrees, or the third reviewer decides.

Everything happens in the caller's transaction: the review, the journey's move, any award and
the teacher's merged message in the outbox commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.catalog import Rubric
from coachbot.domain.errors import InvalidInput
from coachbot.domain.journey import Move, State
from coachbot.domain.reviews import Decision, ReviewPurpose, ReviewStatus, WaitingOn
from coachbot.domain.roles import Actor
from coachbot.services.awards.awarding import grant_award
from coachbot.services.credentials.issuing import CredentialIssuer
from coachbot.services.journey.gate import JourneyService
from coachbot.services.record import audit
from coachbot.services.reviews import blind_pairs
from coachbot.services.reviews.news import fold_in_peers, queue_feedback
from coachbot.services.reviews.outcome import SCORES_ONLY, ReviewOutcome
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import CredentialRow, District, Person, Pursuit, Review


@dataclass(frozen=True)
class Scored:
    """A reviewer's open review with what they handed in, checked against the rubric, under the
    pursuit's lock."""

    actor: Actor
    pursuit: Pursuit
    review: Review
    credential: CredentialRow
    rubric: Rubric
    decision: Decision
    scores: dict[str, str]  # criterion -> level, as handed in
    levels: dict[str, str]  # the same, each level as the rubric names it
    strengths: str
    feedback: str
    now: datetime

    def keep(self) -> None:
        """Write the scores and words onto the review; its status is the purpose's to set."""
        review = self.review
        review.completed_at, review.decision = self.now, self.decision.value
        review.scores = dict(self.levels)
        review.strengths, review.feedback = self.strengths or None, self.feedback or None

    def outcome(
        self,
        decision: Decision | Literal["scored"],
        state: str,
        *,
        waiting: WaitingOn | None = None,
        third: int | None = None,
        award_id: int | None = None,
    ) -> ReviewOutcome:
        return ReviewOutcome(
            review_id=self.review.id,
            pursuit_id=self.pursuit.id,
            decision=decision,
            state=State(state),
            award_id=award_id,
            waiting=waiting,
            third=third,
            purpose=ReviewPurpose(self.review.purpose),
        )


class Recorder:
    def __init__(
        self, clock: Clock, journey: JourneyService, credentials: CredentialIssuer | None = None
    ) -> None:
        self.clock = clock
        self.journey = journey
        self.credentials = credentials

    async def exercise(self, session: AsyncSession, s: Scored) -> ReviewOutcome:
        """An anchor scored for calibration: the scores are kept, nothing is decided."""
        s.review.status, s.review.completed_at = ReviewStatus.COMPLETED, s.now
        s.review.scores = dict(s.levels)
        audit.on_pursuit(
            session, s.pursuit, s.actor, "calibration_exercise", at=s.now,
            details={"review": s.review.id},
        )  # fmt: skip
        return s.outcome(SCORES_ONLY, s.pursuit.state, waiting=WaitingOn.EXERCISE)

    async def peer_comments(self, session: AsyncSession, s: Scored) -> ReviewOutcome:
        """A colleague's comments on a draft go to the teacher; the draft stays with the
        facilitator, whose feedback returns it."""
        if s.decision is not Decision.FEEDBACK:
            raise InvalidInput(field="decision", hint="draft_gets_feedback")
        if not s.feedback:
            raise InvalidInput(field="feedback", hint="feedback_needed")
        s.keep()
        s.review.status = ReviewStatus.COMPLETED
        audit.on_pursuit(
            session, s.pursuit, s.actor, "peer_feedback", at=s.now, details={"review": s.review.id}
        )
        # Still with the facilitator, or already back with the teacher: the words differ.
        answered = s.pursuit.state != State.DRAFT_WITH_FACILITATOR
        await self._tell_teacher(session, s, [s.review], facilitator_done=answered)
        return s.outcome(s.decision, s.pursuit.state)

    async def draft_feedback(self, session: AsyncSession, s: Scored) -> ReviewOutcome:
        """A facilitator's feedback on a draft, which returns it to the teacher."""
        if s.decision is not Decision.FEEDBACK:
            raise InvalidInput(field="decision", hint="draft_gets_feedback")
        if not s.feedback:
            raise InvalidInput(field="feedback", hint="feedback_needed")
        s.keep()
        # A colleague's comments still waiting to go out (quiet hours) join this one message.
        peers = await fold_in_peers(session, s.review)
        return await self._stand(session, s, Move.RETURN_DRAFT, [s.review], peers)

    async def decision(self, session: AsyncSession, s: Scored) -> ReviewOutcome:
        """Earned or not yet on a formal submission. A double-scored one is decided only when
        both blind scores are in and agree; a disagreement goes to a third reviewer, whose
        decision stands."""
        if s.decision is Decision.EARNED:
            below = s.rubric.below_standard(s.scores)
            if below:
                raise InvalidInput(field="decision", hint="earned_needs_passing", criteria=below)
            move = Move.AWARD
        elif s.decision is Decision.NOT_YET:
            move = Move.NOT_YET
        else:
            raise InvalidInput(field="decision", hint="official_needs_decision")
        if s.decision is not Decision.EARNED and not s.feedback:
            raise InvalidInput(field="feedback", hint="feedback_needed")
        # The review stays "assigned" until the move is made: the journey's gate knows its
        # reviewer by the open reviews of the pursuit.
        s.keep()
        review, panel = s.review, [s.review]
        other = await blind_pairs.partner(session, review)
        if other is not None and other.status == ReviewStatus.ASSIGNED:
            review.status = ReviewStatus.SCORED  # blind: waits for the other, seen by nobody
            audit.on_pursuit(
                session, s.pursuit, s.actor, "calibration_scored", at=s.now,
                details={"review": review.id},
            )  # fmt: skip
            return s.outcome(s.decision, s.pursuit.state, waiting=WaitingOn.PARTNER)
        if other is not None:
            other.status = ReviewStatus.COMPLETED
            if other.decision != review.decision:
                review.status = ReviewStatus.COMPLETED
                pair = [other, review]
                third = await blind_pairs.send_to_third(session, self.clock, s.pursuit, pair)
                return s.outcome(s.decision, s.pursuit.state, waiting=WaitingOn.THIRD, third=third)
            panel = [other, review]
        elif review.purpose == ReviewPurpose.THIRD:
            panel = await blind_pairs.panel(session, review)
        return await self._stand(session, s, move, panel)

    async def _stand(
        self,
        session: AsyncSession,
        s: Scored,
        move: Move,
        panel: list[Review],
        peers: list[Review] | None = None,
    ) -> ReviewOutcome:
        """The decision stands: make the move, close the review (and any other still open on
        this evidence), grant an award, and queue the teacher's one message from the panel."""
        review = s.review
        result = await self.journey.apply_move(
            session, s.actor, s.pursuit, move, reason=s.feedback or None,
            details={"review": review.id},
        )  # fmt: skip
        review.status = ReviewStatus.COMPLETED
        # Anyone else still holding a review of this evidence is told, if they try, who decided.
        # A colleague's comments are not a decision: they stay open until the draft is replaced.
        await session.execute(
            update(Review)
            .where(
                Review.evidence_version_id == review.evidence_version_id,
                Review.status == ReviewStatus.ASSIGNED,
                Review.id != review.id,
                Review.purpose != ReviewPurpose.PEER,
            )
            .values(status=ReviewStatus.SUPERSEDED, completed_at=s.now)
        )
        award_id = None
        if move is Move.AWARD:
            award_id = await grant_award(
                session,
                self.clock,
                s.actor,
                s.pursuit,
                s.credential,
                review,
                credentials=self.credentials,
            )
        # A third reviewer's message shows its own scores; a pair's shows both side by side.
        third = review.purpose == ReviewPurpose.THIRD
        panel_scores = (
            None
            if third
            else [dict(r.scores or {}) for r in panel if r.purpose != ReviewPurpose.THIRD]
        )
        await self._tell_teacher(
            session, s, panel, award_id=award_id, panel_scores=panel_scores, peers=peers
        )
        return s.outcome(s.decision, result.to_state, award_id=award_id)

    @staticmethod
    async def _tell_teacher(
        session: AsyncSession,
        s: Scored,
        panel: list[Review],
        *,
        award_id: int | None = None,
        panel_scores: list[dict[str, str]] | None = None,
        peers: list[Review] | None = None,
        facilitator_done: bool = False,
    ) -> None:
        """Queue the teacher's merged message: each panel reviewer's name and words, and any
        colleague's comments folded in."""
        district = await session.get(District, s.pursuit.district_id)
        assert district is not None
        peers = peers or []
        ids = [r.reviewer_id for r in [*panel, *peers]]
        rows = dict(
            (await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))).all()
        )
        await queue_feedback(
            session,
            s.now,
            pursuit=s.pursuit,
            review=s.review,
            credential_title=s.credential.title,
            rubric=s.rubric,
            policy=policy_from_json(district.policy),
            reviewers=[rows[r.reviewer_id] for r in panel if r.reviewer_id in rows],
            strengths=[r.strengths or "" for r in panel],
            changes=[r.feedback or "" for r in panel],
            award_id=award_id,
            panel_scores=panel_scores,
            peer_comments=[
                [rows.get(r.reviewer_id, ""), r.strengths or "", r.feedback or ""] for r in peers
            ],
            facilitator_done=facilitator_done,
        )
