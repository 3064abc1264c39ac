"""What the sweep does to reviews besides reminding: it finds a reviewer for evidence that had to
wait, and moves a review that ran too far past its due date to someone else.

Both run inside the sweep's transaction and return the messages to send as outbox rows, so the
reviewers and the teacher hear exactly once, and a crash before the commit changes nothing.
A late review moves only after the district's further bound (``reassign_after_days`` past the
due date; the escalation to an admin comes earlier), and only while it is within the catch-up
window; if nobody else is free it stays where it is, and the admins already know.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.journey import State
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.policy import DistrictPolicy
from coachbot.domain.reviews import ReviewPurpose, ReviewStatus
from coachbot.domain.roles import Actor
from coachbot.services.district import due_on_a_school_day
from coachbot.services.journey.gate import lock_pursuit
from coachbot.services.nudging.due import CATCH_UP, Due
from coachbot.services.record import audit
from coachbot.services.reviews import waits
from coachbot.services.reviews.reviewing import ReviewService
from coachbot.services.reviews.routing import pick_reviewer
from coachbot.storage.models import CredentialRow, Person, Pursuit, Review, ReviewWait

WAITING_STATES = (State.DRAFT_WITH_FACILITATOR.value, State.SUBMITTED.value)
PER_SWEEP = 200  # a bounded amount of routing work per sweep; the rest waits for the next


async def _names(session: AsyncSession, pursuit: Pursuit) -> tuple[str, str]:
    teacher = await session.scalar(select(Person.name).where(Person.id == pursuit.teacher_id))
    title = await session.scalar(
        select(CredentialRow.title).where(CredentialRow.id == pursuit.credential_id)
    )
    return teacher or "", title or ""


async def _name(session: AsyncSession, person_id: int) -> str:
    return await session.scalar(select(Person.name).where(Person.id == person_id)) or ""


async def route_waiting(
    session: AsyncSession, reviews: ReviewService, district_id: int, now: datetime
) -> list[Due]:
    """Evidence that waited for a reviewer: give it to whoever is free now."""
    waiting = list(
        await session.scalars(
            select(ReviewWait.pursuit_id)
            .where(ReviewWait.district_id == district_id, ReviewWait.next_try_at <= now)
            .order_by(ReviewWait.next_try_at)
            .limit(PER_SWEEP)
        )
    )
    waiting += [p for p in await _unrouted(session, district_id) if p not in waiting]
    found: list[Due] = []
    for pursuit_id in waiting:
        pursuit = await lock_pursuit(session, reviews.db, pursuit_id)
        if pursuit.state not in WAITING_STATES or await _reviewed(session, pursuit.id):
            await waits.clear(session, pursuit.id)  # recalled, withdrawn or routed meanwhile
            continue
        reviewer = await pick_reviewer(session, pursuit, now=now)
        if reviewer is None:
            await waits.note(session, pursuit, now)
            continue
        review_id = await reviews.assign_in(session, Actor.system(district_id), pursuit, reviewer)
        review = await session.get(Review, review_id)
        assert review is not None and review.due_at is not None
        teacher, title = await _names(session, pursuit)
        params = {
            "review_id": review.id,
            "credential": title,
            "teacher": teacher,
            "purpose": review.purpose,
            "due": review.due_at.isoformat(),
            "pursuit_id": pursuit.id,
        }
        subject = f"review:{review.id}"
        found.append(Due(reviewer, NudgeKind.REVIEW_ASSIGNED, subject, "assigned", now, params))
        found.append(
            Due(
                pursuit.teacher_id,
                NudgeKind.REVIEWER_FOUND,
                subject,
                "found",
                now,
                {**params, "reviewer": await _name(session, reviewer), "moved": False},
            )
        )
    return found


async def _reviewed(session: AsyncSession, pursuit_id: int) -> bool:
    """Whether someone holds the pursuit's evidence (read under its lock)."""
    found = await session.scalar(
        select(Review.id)
        .where(
            Review.pursuit_id == pursuit_id,
            Review.status.in_((ReviewStatus.ASSIGNED, ReviewStatus.SCORED)),
            Review.purpose != ReviewPurpose.PEER,
        )
        .limit(1)
    )
    return found is not None


async def _unrouted(session: AsyncSession, district_id: int) -> list[int]:
    """Evidence handed in with neither an open review nor a wait: a safety net for hand-ins
    stored before routing shared their transaction (a crash between the two left them so).
    Cheap: only pursuits in the two in-flight states are looked at, through their indexes."""
    reviewed = (
        select(Review.id)
        .where(
            Review.pursuit_id == Pursuit.id,
            Review.status.in_((ReviewStatus.ASSIGNED, ReviewStatus.SCORED)),
            Review.purpose != ReviewPurpose.PEER,
        )
        .exists()
    )
    waits_already = select(ReviewWait.pursuit_id).where(ReviewWait.pursuit_id == Pursuit.id)
    return list(
        await session.scalars(
            select(Pursuit.id)
            .where(
                Pursuit.state.in_(WAITING_STATES),
                Pursuit.district_id == district_id,
                ~reviewed,
                ~waits_already.exists(),
            )
            .order_by(Pursuit.id)
            .limit(PER_SWEEP)
        )
    )


async def reassign_late(
    session: AsyncSession,
    reviews: ReviewService,
    district_id: int,
    policy: DistrictPolicy,
    now: datetime,
) -> list[Due]:
    """Reviews past the district's further bound: move each to the best free colleague."""
    bound = policy.reviewers.reassign_after_days
    if bound is None:
        return []
    newest = now - timedelta(days=bound)
    late = list(
        await session.scalars(
            select(Review.id)
            .join(Pursuit, Pursuit.id == Review.pursuit_id)
            .where(
                Review.status == ReviewStatus.ASSIGNED,
                Pursuit.district_id == district_id,
                Review.due_at <= newest,
                Review.due_at > newest - CATCH_UP,
            )
            .order_by(Review.due_at)
            .limit(PER_SWEEP)
        )
    )
    found: list[Due] = []
    for review_id in late:
        review = await session.get(Review, review_id)
        assert review is not None
        pursuit = await lock_pursuit(session, reviews.db, review.pursuit_id)
        await session.refresh(review)  # read again under the pursuit's lock
        if review.status != ReviewStatus.ASSIGNED:
            continue
        successor = await pick_reviewer(
            session, pursuit, exclude={review.reviewer_id}, now=now, purpose=review.purpose
        )
        if successor is None:
            continue
        moved = await _move(session, review, successor, pursuit, policy, now)
        found += await _move_messages(session, review, moved, pursuit, now)
    return found


async def _move(
    session: AsyncSession,
    review: Review,
    successor: int,
    pursuit: Pursuit,
    policy: DistrictPolicy,
    now: datetime,
) -> Review:
    review.status, review.completed_at = ReviewStatus.REASSIGNED, now
    due_at = await due_on_a_school_day(
        session, pursuit.district_id, now, policy.review_deadline_days
    )
    moved = Review(
        pursuit_id=review.pursuit_id,
        evidence_version_id=review.evidence_version_id,
        reviewer_id=successor,
        purpose=review.purpose,
        status=ReviewStatus.ASSIGNED,
        assigned_at=now,
        due_at=due_at,
    )
    session.add(moved)
    await session.flush()
    audit.on_pursuit(
        session,
        pursuit,
        Actor.system(pursuit.district_id),
        "reassign_review",
        at=now,
        reason="late",
        details={"from": review.reviewer_id, "to": successor, "review": moved.id},
    )
    return moved


async def _move_messages(
    session: AsyncSession, old: Review, new: Review, pursuit: Pursuit, now: datetime
) -> list[Due]:
    assert new.due_at is not None
    teacher, title = await _names(session, pursuit)
    from_name = await _name(session, old.reviewer_id)
    to_name = await _name(session, new.reviewer_id)
    params = {
        "review_id": new.id,
        "credential": title,
        "teacher": teacher,
        "purpose": new.purpose,
        "due": new.due_at.isoformat(),
        "pursuit_id": pursuit.id,
    }
    found = [
        Due(
            new.reviewer_id,
            NudgeKind.REVIEW_REASSIGNED,
            f"review:{new.id}",
            "reassigned",
            now,
            {**params, "from_name": from_name},
        ),
        Due(
            old.reviewer_id,
            NudgeKind.REVIEW_TAKEN,
            f"taken:{old.id}",
            "taken",
            now,
            {**params, "to_name": to_name},
        ),
    ]
    if new.purpose != ReviewPurpose.PEER:
        found.append(
            Due(
                pursuit.teacher_id,
                NudgeKind.REVIEWER_FOUND,
                f"review:{new.id}",
                "moved",
                now,
                {**params, "reviewer": to_name, "moved": True},
            )
        )
    return found
