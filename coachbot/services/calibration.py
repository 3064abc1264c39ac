"""Calibration in the record: a blind second review for the district's share of formal
submissions, a deciding third review when the two disagree, agreement figures for admins, and
anchor exercises that show who drifts.

Reviews carry their role in ``purpose``: ``official`` (the first), ``second`` (the blind second
one), ``third`` (decides a disagreement), ``anchor`` (the agreed scores of an anchor submission,
held by the admin who set the exercise) and ``exercise`` (a reviewer scoring an anchor). A blind
review that is scored while its partner is still open waits in status ``scored``; an exercise
waits in status ``exercise`` (it is nobody's work queue, routing load or journey move).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain import calibration as rules
from coachbot.domain.errors import NotFound, NotPermitted, PreconditionFailed
from coachbot.domain.nudges import PRIORITY, NudgeKind
from coachbot.domain.roles import Actor, Role
from coachbot.services import audit
from coachbot.services.journey import lock_pursuit
from coachbot.services.routing import pick_reviewer
from coachbot.storage.codec import policy_from_json, rubric_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    CredentialRow,
    District,
    EvidenceVersion,
    NudgeRow,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
)

PAIRED = ("official", "second")  # the two blind reviews of a double-scored submission
RECENT = 200  # double-scored submissions the agreement figures look back over


def queue_assigned(
    session: AsyncSession, now: datetime, pursuit: Pursuit, review: Review, credential: str
) -> None:
    """Tell a reviewer about a second, deciding or exercise review, through the outbox."""
    exercise = review.purpose == "exercise"
    session.add(
        NudgeRow(
            key=f"assigned:{review.id}",
            district_id=pursuit.district_id,
            person_id=review.reviewer_id,
            kind=NudgeKind.REVIEW_ASSIGNED.value,
            # An exercise waits in its own status; a review is stale once it is no longer open.
            subject=f"{'exercise' if exercise else 'review'}:{review.id}",
            priority=PRIORITY[NudgeKind.REVIEW_ASSIGNED],
            due_at=now,
            deliver_at=now,
            status="pending",
            attempts=0,
            params={
                "review_id": review.id,
                "credential": credential,
                "role": review.purpose,
                "due": review.due_at.isoformat() if review.due_at else "",
                "purpose": "official",
            },
            created_at=now,
        )
    )


async def _credential_title(session: AsyncSession, pursuit: Pursuit) -> str:
    title = await session.scalar(
        select(CredentialRow.title).where(CredentialRow.id == pursuit.credential_id)
    )
    return title or ""


async def sample(session: AsyncSession, clock: Clock, pursuit: Pursuit, first: Review) -> None:
    """After a formal submission's official review is assigned: if it falls in the district's
    calibration share, assign a blind second review to another qualified reviewer."""
    district = await session.get(District, pursuit.district_id)
    assert district is not None
    fraction = policy_from_json(district.policy).calibration_fraction
    if fraction <= 0:
        return
    formal = await session.scalar(
        select(func.count())
        .select_from(EvidenceVersion)
        .join(Pursuit, Pursuit.id == EvidenceVersion.pursuit_id)
        .where(Pursuit.district_id == pursuit.district_id, EvidenceVersion.kind == "formal")
    )
    if not rules.double_scored(formal or 0, fraction):
        return
    now = clock.now()
    reviewer = await pick_reviewer(session, pursuit, exclude={first.reviewer_id})
    if reviewer is None:
        audit.record(
            session, at=now, actor=Actor.system(pursuit.district_id),
            district_id=pursuit.district_id, subject_type="pursuit", subject_id=pursuit.id,
            action="calibration_no_second_reviewer", details={"review": first.id},
        )  # fmt: skip
        return
    second = Review(
        pursuit_id=pursuit.id,
        evidence_version_id=first.evidence_version_id,
        reviewer_id=reviewer,
        purpose="second",
        status="assigned",
        assigned_at=now,
        due_at=first.due_at,
    )
    session.add(second)
    await session.flush()
    audit.record(
        session, at=now, actor=Actor.system(pursuit.district_id), district_id=pursuit.district_id,
        subject_type="pursuit", subject_id=pursuit.id, action="calibration_sample",
        details={"first": first.id, "second": second.id, "n": formal},
    )  # fmt: skip
    queue_assigned(session, now, pursuit, second, await _credential_title(session, pursuit))


async def partner(session: AsyncSession, review: Review) -> Review | None:
    """The other blind review of the same submission, if this one is double-scored."""
    if review.purpose not in PAIRED:
        return None
    other = "second" if review.purpose == "official" else "official"
    return await session.scalar(
        select(Review).where(
            Review.evidence_version_id == review.evidence_version_id,
            Review.purpose == other,
            Review.status.in_(("assigned", "scored")),
        )
    )


async def panel(session: AsyncSession, review: Review) -> list[Review]:
    """For a deciding third review: the two blind reviews it settles, then itself."""
    earlier = list(
        await session.scalars(
            select(Review)
            .where(
                Review.evidence_version_id == review.evidence_version_id,
                Review.purpose.in_(PAIRED),
                Review.status == "completed",
            )
            .order_by(Review.id)
        )
    )
    return [*earlier, review]


async def send_to_third(
    session: AsyncSession, clock: Clock, pursuit: Pursuit, pair: list[Review]
) -> int | None:
    """Two blind reviews disagree: a third reviewer decides, or failing one, a district admin.
    Returns who got it (None when nobody can, and the admins must step in)."""
    now = clock.now()
    involved = {r.reviewer_id for r in pair}
    decider = await pick_reviewer(session, pursuit, exclude=involved)
    if decider is None:
        decider = await session.scalar(
            select(RoleGrantRow.person_id)
            .join(Person, Person.id == RoleGrantRow.person_id)
            .where(
                Person.district_id == pursuit.district_id,
                Person.active.is_(True),
                RoleGrantRow.role == Role.DISTRICT_ADMIN.value,
                RoleGrantRow.person_id.notin_(involved | {pursuit.teacher_id}),
            )
            .order_by(RoleGrantRow.person_id)
            .limit(1)
        )
    audit.record(
        session, at=now, actor=Actor.system(pursuit.district_id), district_id=pursuit.district_id,
        subject_type="pursuit", subject_id=pursuit.id, action="calibration_disagreement",
        details={"reviews": [r.id for r in pair], "third": decider},
    )  # fmt: skip
    if decider is None:
        return None
    third = Review(
        pursuit_id=pursuit.id,
        evidence_version_id=pair[0].evidence_version_id,
        reviewer_id=decider,
        purpose="third",
        status="assigned",
        assigned_at=now,
        due_at=max((r.due_at for r in pair if r.due_at), default=None),
    )
    session.add(third)
    await session.flush()
    queue_assigned(session, now, pursuit, third, await _credential_title(session, pursuit))
    return decider


# ---- what admins see, and the anchor exercise ----------------------------------------------


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
            names = await self._names(
                session, {r for p in pairs for r in (p.first, p.second)}
            )
            disagreements = await session.scalar(
                select(func.count())
                .select_from(Review)
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .where(Pursuit.district_id == district.id, Review.purpose == "third")
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
            )

    async def _double_scores(
        self, session: AsyncSession, district_id: int
    ) -> list[rules.DoubleScore]:
        """The most recent submissions scored blind by two reviewers, both scores in."""
        done = ("scored", "completed")
        seconds = list(
            await session.scalars(
                select(Review)
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .where(
                    Pursuit.district_id == district_id,
                    Review.purpose == "second",
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
                    Review.purpose == "official",
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

    async def _anchors(self, session: AsyncSession, district_id: int) -> list[AnchorResult]:
        anchors = list(
            await session.scalars(
                select(Review)
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .where(Pursuit.district_id == district_id, Review.purpose == "anchor")
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
                        Review.purpose == "exercise",
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
                if e.status == "completed" and e.scores
            ]
            scored.sort(key=lambda item: (item[1].exact, item[0]))
            waiting = [names[e.reviewer_id] for e in exercises if e.status == "exercise"]
            results.append(AnchorResult(anchor.id, credential.title, scored, waiting))
        return results

    @staticmethod
    async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
        return dict(rows.all())  # type: ignore[arg-type]

    async def open_exercises(self, actor: Actor) -> list[tuple[int, str]]:
        """The anchors this reviewer has been asked to score and has not: (review id, title)."""
        async with self.db.read() as session:
            rows = await session.execute(
                select(Review.id, CredentialRow.title)
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .where(Review.reviewer_id == actor.person_id, Review.status == "exercise")
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
            if source.purpose == "feedback" or source.status != "completed" or not source.scores:
                raise PreconditionFailed(need="scored_official_review")
            now = self.clock.now()
            assert actor.person_id is not None
            anchor = Review(
                pursuit_id=pursuit.id,
                evidence_version_id=source.evidence_version_id,
                reviewer_id=actor.person_id,
                purpose="anchor",
                status="completed",
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
            title = await _credential_title(session, pursuit)
            for scorer in scorers:
                exercise = Review(
                    pursuit_id=pursuit.id,
                    evidence_version_id=source.evidence_version_id,
                    reviewer_id=scorer,
                    purpose="exercise",
                    status="exercise",
                    assigned_at=now,
                )
                session.add(exercise)
                await session.flush()
                queue_assigned(session, now, pursuit, exercise, title)
            await session.flush()
            audit.record(
                session, at=now, actor=actor, district_id=pursuit.district_id,
                subject_type="pursuit", subject_id=pursuit.id, action="calibration_anchor",
                details={"anchor": anchor.id, "from": source.id, "scorers": scorers},
            )  # fmt: skip
            return anchor.id, scorers
