"""The teacher's news of a review, written to the nudge outbox in the review's own transaction.

A decision and the message that tells the teacher about it commit together: a crash after the
commit cannot lose the message (the dispatcher finds the row on its next pass), and a crash before
it loses neither. The row carries everything the merged message needs (scores, what was strong,
what to change, the next step, and for an award what it brought), so rendering needs no more
reads. The dispatcher delivers it at once, except in the teacher's quiet hours; being news rather
than a reminder, it is never capped or muted (see ``TEACHER_REMINDERS``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.catalog import Rubric
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.policy import DistrictPolicy
from coachbot.domain.reviews import Decision, ReviewPurpose, ReviewStatus
from coachbot.domain.roles import Role
from coachbot.services.awards.announcing import completed_by, queue_announcement
from coachbot.services.credentials.issuing import credential_url
from coachbot.services.journey.extra_tries import allowed_tries
from coachbot.services.record import outbox
from coachbot.storage.models import (
    Award,
    CohortMember,
    NudgeRow,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
)


async def facilitator_names(session: AsyncSession, pursuit: Pursuit) -> list[str]:
    """The facilitators of the teacher's cohort, who the teacher can meet about their work."""
    if pursuit.cohort_id is None:
        return []
    return list(
        await session.scalars(
            select(Person.name)
            .join(CohortMember, CohortMember.person_id == Person.id)
            .where(
                CohortMember.cohort_id == pursuit.cohort_id,
                CohortMember.role == "facilitator",
                Person.id != pursuit.teacher_id,
            )
            .order_by(Person.name)
        )
    )


async def award_params(session: AsyncSession, award_id: int) -> dict[str, Any]:
    """What an award brought, as the teacher's message tells it."""
    award = await session.get(Award, award_id)
    assert award is not None
    completed = [list(done) for done in await completed_by(session, award)]
    return {
        "hours": award.hours,
        "points": award.points,
        "stipend_cents": award.stipend_cents,
        "stipend_status": award.stipend_status,
        "cpd_units": award.cpd_units,
        "assertion_id": award.assertion_id,
        "credential_url": await credential_url(session, award.id),
        "completed": completed,
    }


def scored(rubric: Rubric, *panel: dict[str, str]) -> list[list[Any]]:
    """[[criterion, level, at or above the passing level]] in the rubric's order. Scored by a
    panel (two blind reviewers), a criterion they scored differently reads "Proficient /
    Exemplary", and is at the standard only if every score is."""
    rows: list[list[Any]] = []
    for criterion in rubric.criteria:
        levels = [
            level
            for scores in panel
            if (level := criterion.level(scores.get(criterion.name, ""))) is not None
        ]
        if levels:
            names = list(dict.fromkeys(lv.name for lv in levels))
            passing = all(lv.score >= rubric.passing_score for lv in levels)
            rows.append([criterion.name, " / ".join(names), passing])
    return rows


async def queue_feedback(
    session: AsyncSession,
    now: datetime,
    *,
    pursuit: Pursuit,
    review: Review,
    credential_title: str,
    rubric: Rubric,
    policy: DistrictPolicy,
    reviewers: list[str],
    strengths: list[str],
    changes: list[str],
    award_id: int | None = None,
    panel_scores: list[dict[str, str]] | None = None,
    peer_comments: list[list[str]] | None = None,
    facilitator_done: bool = False,
) -> None:
    """Write the teacher's one merged message about ``review`` into the outbox.

    ``peer_comments`` ([[colleague, what works, what could be sharper]]) are a colleague's
    comments on the same draft, folded into the facilitator's message; ``facilitator_done``
    says that a colleague's own message comes after the facilitator's feedback."""
    # A colleague's peer comments read differently: they inform, and the facilitator's come later.
    peer = review.purpose == ReviewPurpose.PEER
    decision = ReviewPurpose.PEER.value if peer else (review.decision or Decision.FEEDBACK.value)
    tries = await allowed_tries(session, pursuit, policy.resubmission_limit)
    meeting = decision == Decision.NOT_YET and pursuit.attempts >= tries
    params: dict[str, Any] = {
        "decision": decision,
        "credential": credential_title,
        "pursuit_id": pursuit.id,
        "review_id": review.id,
        "reviewers": reviewers,
        "scores": scored(rubric, *(panel_scores or [dict(review.scores or {})])),
        "strengths": [s for s in strengths if s],
        "changes": [c for c in changes if c],
        "attempt": pursuit.attempts,
        "limit": tries,
        "meeting": meeting,
        "facilitators": await facilitator_names(session, pursuit) if meeting else [],
        "award": await award_params(session, award_id) if award_id is not None else None,
        "peer_comments": peer_comments or [],
        "facilitator_done": facilitator_done,
    }
    if meeting:
        await _time_to_meet(session, now, pursuit, credential_title)
    outbox.queue(
        session,
        now,
        key=f"feedback:{review.id}",
        district_id=pursuit.district_id,
        person_id=pursuit.teacher_id,
        kind=NudgeKind.FEEDBACK_READY,
        subject=f"feedback:{review.id}",
        params=params,
    )
    if award_id is not None:  # the channel hears once the earner has
        await queue_announcement(session, now, award_id, after=f"feedback:{review.id}")


async def fold_in_peers(session: AsyncSession, review: Review) -> list[Review]:
    """A colleague's comments on the same draft whose own message has not gone out yet (it
    waits for quiet hours to end): their message is dropped as merged, and the comments join
    the facilitator's, so the teacher reads one message. Sent ones are not repeated."""
    peers = list(
        await session.scalars(
            select(Review)
            .where(
                Review.evidence_version_id == review.evidence_version_id,
                Review.purpose == ReviewPurpose.PEER,
                Review.status == ReviewStatus.COMPLETED,
            )
            .order_by(Review.completed_at)
        )
    )
    folded = []
    for peer in peers:
        result = await session.execute(
            update(NudgeRow)
            .where(NudgeRow.key == f"feedback:{peer.id}", NudgeRow.status == "pending")
            .values(status="dropped", dropped_reason="merged")
        )
        if cast("CursorResult[Any]", result).rowcount == 1:
            folded.append(peer)
    return folded


async def _time_to_meet(
    session: AsyncSession, now: datetime, pursuit: Pursuit, credential_title: str
) -> None:
    """Tell the cohort's facilitators (or, outside a cohort, the district admins) that the
    teacher used every try: they meet, then one of them allows another."""
    teacher = await session.get(Person, pursuit.teacher_id)
    assert teacher is not None
    for person_id in await _coaches(session, pursuit):
        outbox.queue(
            session,
            now,
            key=f"tries:{pursuit.id}:{pursuit.attempts}:{person_id}",
            district_id=pursuit.district_id,
            person_id=person_id,
            kind=NudgeKind.TIME_TO_MEET,
            subject=f"pursuit:{pursuit.id}",
            params={
                "teacher": teacher.name,
                "credential": credential_title,
                "tries": pursuit.attempts,
                "pursuit_id": pursuit.id,
            },
        )


async def _coaches(session: AsyncSession, pursuit: Pursuit) -> list[int]:
    if pursuit.cohort_id is not None:
        found = list(
            await session.scalars(
                select(CohortMember.person_id).where(
                    CohortMember.cohort_id == pursuit.cohort_id,
                    CohortMember.role == Role.FACILITATOR.value,
                    CohortMember.person_id != pursuit.teacher_id,
                )
            )
        )
        if found:
            return found
    return list(
        await session.scalars(
            select(RoleGrantRow.person_id)
            .join(Person, Person.id == RoleGrantRow.person_id)
            .where(
                Person.district_id == pursuit.district_id,
                RoleGrantRow.role == Role.DISTRICT_ADMIN.value,
                Person.id != pursuit.teacher_id,
            )
        )
    )
