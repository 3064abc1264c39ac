"""Calibration for district admins: per-reviewer agreement (exact and Cohen's kappa) over the
recent double-scored submissions, and anchor exercises that show which reviewers drift from
agreed scores. See ``coachbot.services.reviews.blind_pairs`` for how reviews carry their role."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain import calibration as rules
from coachbot.domain.errors import NotFound, NotPermitted, PreconditionFailed
from coachbot.domain.reviews import DECIDING, ReviewPurpose, ReviewStatus
from coachbot.domain.roles import Actor, Role
from coachbot.services.journey.gate import lock_pursuit
from coachbot.services.record import audit
from coachbot.services.reviews.blind_pairs import credential_title, queue_assigned
from coachbot.storage.codec import policy_from_json, rubric_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import CredentialRow, District, Person, Pursuit, Review, RoleGrantRow

RECENT = 200  # double-scored submissions the agreement figures look back over


@dataclass(frozen=True)
class ReviewerAgreement:
    name: str
    submissions: int
    exact: float | None
    kappa: float | None


@dataclass(frozen=True)
class AnchorResult:
    anchor_id: int
    credential: str
    scored: list[tuple[str, rules.Drift]]  # (reviewer name, how they compare)
    waiting: list[str]  # reviewers who have not scored it yet


@dataclass(frozen=True)
class CalibrationReport:
    fraction: float
    double_scored: int
    disagreements: int
    reviewers: list[ReviewerAgreement]
    anchors: list[AnchorResult]
    # Recent decisions that could serve as an anchor: (review id, credential, decision, by)
    candidates: list[tuple[int, str, str, str]] = field(default_factory=list)


class CalibrationService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    @staticmethod
    def _admin(actor: Actor) -> None:
        if not actor.has_role(Role.DISTRICT_ADMIN):
            raise NotPermitted(move="calibrate", parties=["admin"])

    async def report(self, actor: Actor) -> CalibrationReport:
        self._admin(actor)
        async with self.db.read() as session:
            district = await session.get(District, actor.district_id)
            if district is None:
                raise NotFound(what="district", key=str(actor.district_id))
            pairs = await self._double_scores(session, district.id)
            names = await self._names(session, {r for p in pairs for r in (p.first, p.second)})
            disagreements = await session.scalar(
                select(func.count())
                .select_from(Review)
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .where(Pursuit.district_id == district.id, Review.purpose == ReviewPurpose.THIRD)
            )
            return CalibrationReport(
                policy_from_json(district.policy).calibration_fraction,
                len(pairs),
                disagreements or 0,
                [
                    ReviewerAgreement(names[a.reviewer_id], a.submissions, a.exact, a.kappa)
                    for a in rules.agreement_by_reviewer(pairs)
                ],
                await self._anchors(session, district.id),
                await self._candidates(session, district.id),
            )

    async def _double_scores(
        self, session: AsyncSession, district_id: int
    ) -> list[rules.DoubleScore]:
        """The most recent submissions scored blind by two reviewers, both scores in."""
        done = (ReviewStatus.SCORED, ReviewStatus.COMPLETED)
        seconds = list(
            await session.scalars(
                select(Review)
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .where(
                    Pursuit.district_id == district_id,
                    Review.purpose == ReviewPurpose.SECOND,
                    Review.status.in_(done),
                )
                .order_by(Review.completed_at.desc(), Review.id.desc())
                .limit(RECENT)
            )
        )
        found: list[rules.DoubleScore] = []
        for second in seconds:
            first = await session.scalar(
                select(Review).where(
                    Review.evidence_version_id == second.evidence_version_id,
                    Review.purpose == ReviewPurpose.OFFICIAL,
                    Review.status.in_(done),
                )
            )
            if first is not None and first.scores and second.scores:
                found.append(
                    rules.DoubleScore(
                        first.reviewer_id, second.reviewer_id, first.scores, second.scores
                    )
                )
        return found

    @staticmethod
    async def _candidates(
        session: AsyncSession, district_id: int
    ) -> list[tuple[int, str, str, str]]:
        rows = await session.execute(
            select(Review.id, CredentialRow.title, Review.decision, Person.name)
            .join(Pursuit, Pursuit.id == Review.pursuit_id)
            .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
            .join(Person, Person.id == Review.reviewer_id)
            .where(
                Pursuit.district_id == district_id,
                Review.purpose.in_(DECIDING),
                Review.status == ReviewStatus.COMPLETED,
                Review.decision.isnot(None),
            )
            .order_by(Review.completed_at.desc(), Review.id.desc())
            .limit(5)
        )
        # Every decision is set (the query asks for it); the check only tells the type checker.
        # The five latest decisions, listed by review number: completion times interleave with
        # the numbers, and a list reading #29, #25, #26 looks unsorted to the admin.
        return sorted(
            (rid, title, decision, name)
            for rid, title, decision, name in rows.all()
            if decision is not None
        )

    async def _anchors(self, session: AsyncSession, district_id: int) -> list[AnchorResult]:
        anchors = list(
            await session.scalars(
                select(Review)
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .where(Pursuit.district_id == district_id, Review.purpose == ReviewPurpose.ANCHOR)
                .order_by(Review.id.desc())
                .limit(5)
            )
        )
        results = []
        for anchor in anchors:
            pursuit = await session.get(Pursuit, anchor.pursuit_id)
            assert pursuit is not None
            credential = await session.get(CredentialRow, pursuit.credential_id)
            assert credential is not None
            rubric = rubric_from_json(credential.rubric)
            levels = {c.name: {lv.name: lv.score for lv in c.levels} for c in rubric.criteria}
            exercises = list(
                await session.scalars(
                    select(Review)
                    .where(
                        Review.evidence_version_id == anchor.evidence_version_id,
                        Review.purpose == ReviewPurpose.EXERCISE,
                        Review.assigned_at >= anchor.assigned_at,
                    )
                    .order_by(Review.id)
                )
            )
            names = await self._names(session, {e.reviewer_id for e in exercises})
            agreed = dict(anchor.scores or {})
            scored = [
                (names[e.reviewer_id], rules.drift(e.reviewer_id, agreed, e.scores, levels))
                for e in exercises
                if e.status == ReviewStatus.COMPLETED and e.scores
            ]
            scored.sort(key=lambda item: (item[1].exact, item[0]))
            waiting = [names[e.reviewer_id] for e in exercises if e.status == ReviewStatus.EXERCISE]
            results.append(AnchorResult(anchor.id, credential.title, scored, waiting))
        return results

    @staticmethod
    async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
        return {row.id: row.name for row in rows}

    async def open_exercises(self, actor: Actor) -> list[tuple[int, str]]:
        """The anchors this reviewer has been asked to score and has not: (review id, title)."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(Review.id, CredentialRow.title)
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .where(
                    Review.reviewer_id == actor.person_id, Review.status == ReviewStatus.EXERCISE
                )
                .order_by(Review.id)
            )
            return [(rid, title) for rid, title in rows.all()]

    async def start_exercise(self, actor: Actor, review_id: int) -> tuple[int, list[int]]:
        """Make review ``review_id``'s scores the agreed scores of an anchor, and ask every
        other facilitator of the district to score the same evidence. Returns the anchor's id
        and who was asked."""
        self._admin(actor)
        async with self.db.write() as session:
            source = await session.get(Review, review_id)
            if source is None:
                raise NotFound(what="review", key=str(review_id))
            pursuit = await lock_pursuit(session, self.db, source.pursuit_id)
            if pursuit.district_id != actor.district_id:
                raise NotFound(what="review", key=str(review_id))
            if (
                source.purpose == ReviewPurpose.FEEDBACK
                or source.status != ReviewStatus.COMPLETED
                or not source.scores
            ):
                raise PreconditionFailed(need="scored_official_review")
            now = self.clock.now()
            assert actor.person_id is not None
            anchor = Review(
                pursuit_id=pursuit.id,
                evidence_version_id=source.evidence_version_id,
                reviewer_id=actor.person_id,
                purpose=ReviewPurpose.ANCHOR,
                status=ReviewStatus.COMPLETED,
                assigned_at=now,
                completed_at=now,
                decision=source.decision,
                scores=dict(source.scores),
            )
            session.add(anchor)
            scorers = sorted(
                set(
                    await session.scalars(
                        select(RoleGrantRow.person_id)
                        .join(Person, Person.id == RoleGrantRow.person_id)
                        .where(
                            Person.district_id == pursuit.district_id,
                            Person.active.is_(True),
                            RoleGrantRow.role == Role.FACILITATOR.value,
                        )
                    )
                )
                - {pursuit.teacher_id, source.reviewer_id}
            )
            title = await credential_title(session, pursuit)
            for scorer in scorers:
                exercise = Review(
                    pursuit_id=pursuit.id,
                    evidence_version_id=source.evidence_version_id,
                    reviewer_id=scorer,
                    purpose=ReviewPurpose.EXERCISE,
                    status=ReviewStatus.EXERCISE,
                    assigned_at=now,
                )
                session.add(exercise)
                await session.flush()
                queue_assigned(session, now, pursuit, exercise, title)
            await session.flush()
            audit.on_pursuit(
                session,
                pursuit,
                actor,
                "calibration_anchor",
                at=now,
                details={"anchor": anchor.id, "from": source.id, "scorers": scorers},
            )
            return anchor.id, scorers
