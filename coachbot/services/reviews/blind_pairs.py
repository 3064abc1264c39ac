"""Calibration in the record: a blind second review for the district's share of formal
submissions, and a deciding third review when the two disagree (what admins see, and anchor
exercises, are in ``calibration_admin``).

Reviews carry their role in ``purpose``: ``official`` (the first), ``second`` (the blind second
one), ``third`` (decides a disagreement), ``anchor`` (the agreed scores of an anchor submission,
held by the admin who set the exercise) and ``exercise`` (a reviewer scoring an anchor). A blind
review that is scored while its partner is still open waits in status ``scored``; an exercise
waits in status ``exercise`` (it is nobody's work queue, routing load or journey move).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain import calibration as rules
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.reviews import PAIRED, ReviewPurpose, ReviewStatus, blind_partner
from coachbot.domain.roles import Actor, Role
from coachbot.services.record import audit, outbox
from coachbot.services.reviews.routing import pick_reviewer
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import (
    CredentialRow,
    District,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
)


def queue_assigned(
    session: AsyncSession, now: datetime, pursuit: Pursuit, review: Review, credential: str
) -> None:
    """Tell a reviewer about a second, deciding or exercise review, through the outbox."""
    exercise = review.purpose == ReviewPurpose.EXERCISE
    outbox.queue(
        session,
        now,
        key=f"assigned:{review.id}",
        district_id=pursuit.district_id,
        person_id=review.reviewer_id,
        kind=NudgeKind.CALIBRATION_REVIEW,
        # An exercise waits in its own status; a review is stale once it is no longer open.
        subject=f"{'exercise' if exercise else 'review'}:{review.id}",
        params={
            "review_id": review.id,
            "credential": credential,
            "role": review.purpose,
            "due": review.due_at.isoformat() if review.due_at else "",
            "purpose": ReviewPurpose.OFFICIAL,
        },
    )


async def credential_title(session: AsyncSession, pursuit: Pursuit) -> str:
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
    reviewer = await pick_reviewer(
        session, pursuit, exclude={first.reviewer_id}, now=now, purpose=ReviewPurpose.OFFICIAL
    )
    if reviewer is None:
        audit.on_pursuit(
            session,
            pursuit,
            Actor.system(pursuit.district_id),
            "calibration_no_second_reviewer",
            at=now,
            details={"review": first.id},
        )
        return
    second = Review(
        pursuit_id=pursuit.id,
        evidence_version_id=first.evidence_version_id,
        reviewer_id=reviewer,
        purpose=ReviewPurpose.SECOND,
        status=ReviewStatus.ASSIGNED,
        assigned_at=now,
        due_at=first.due_at,
    )
    session.add(second)
    await session.flush()
    audit.on_pursuit(
        session,
        pursuit,
        Actor.system(pursuit.district_id),
        "calibration_sample",
        at=now,
        details={"first": first.id, "second": second.id, "n": formal},
    )
    queue_assigned(session, now, pursuit, second, await credential_title(session, pursuit))


async def partner(session: AsyncSession, review: Review) -> Review | None:
    """The other blind review of the same submission, if this one is double-scored."""
    other = blind_partner(review.purpose)
    if other is None:
        return None
    return await session.scalar(
        select(Review).where(
            Review.evidence_version_id == review.evidence_version_id,
            Review.purpose == other,
            Review.status.in_((ReviewStatus.ASSIGNED, ReviewStatus.SCORED)),
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
                Review.status == ReviewStatus.COMPLETED,
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
    decider = await pick_reviewer(
        session, pursuit, exclude=involved, now=now, purpose=ReviewPurpose.OFFICIAL
    )
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
    audit.on_pursuit(
        session,
        pursuit,
        Actor.system(pursuit.district_id),
        "calibration_disagreement",
        at=now,
        details={"reviews": [r.id for r in pair], "third": decider},
    )
    if decider is None:
        return None
    third = Review(
        pursuit_id=pursuit.id,
        evidence_version_id=pair[0].evidence_version_id,
        reviewer_id=decider,
        purpose=ReviewPurpose.THIRD,
        status=ReviewStatus.ASSIGNED,
        assigned_at=now,
        due_at=max((r.due_at for r in pair if r.due_at), default=None),
    )
    session.add(third)
    await session.flush()
    queue_assigned(session, now, pursuit, third, await credential_title(session, pursuit))
    return decider
