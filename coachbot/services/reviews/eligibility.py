"""Whether one person may be given one review: the same rules routing follows, checked again
when an admin assigns someone by hand or a review is handed on."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.errors import NotPermitted, OwnWork, PreconditionFailed
from coachbot.domain.reviewer_policy import OfficialReviewer
from coachbot.domain.reviews import ReviewPurpose
from coachbot.domain.roles import Role
from coachbot.services.district.people import actor_of
from coachbot.services.reviews.routing import Context
from coachbot.storage.models import Person


async def check_may_review(session: AsyncSession, ctx: Context, reviewer: Person) -> None:
    """Raise a domain error saying why ``reviewer`` cannot take this review; None if they can."""
    pursuit, teacher, policy = ctx.pursuit, ctx.teacher, ctx.policy.reviewers
    if reviewer.id == teacher.id:
        raise OwnWork(move="review")
    if reviewer.district_id != pursuit.district_id or not reviewer.active:
        raise NotPermitted(move="review", parties=["reviewer"])
    if reviewer.email in policy.conflicted_reviewers(teacher.email):
        raise PreconditionFailed(need="no_conflict", person=reviewer.name, teacher=teacher.name)
    actor = actor_of(reviewer)
    if ctx.purpose == ReviewPurpose.PEER:
        if reviewer.school_id is None or reviewer.school_id != teacher.school_id:
            raise NotPermitted(move="review", parties=["reviewer"])
        return
    if ctx.purpose != ReviewPurpose.OFFICIAL:
        if not actor.has_role(Role.FACILITATOR, anywhere=True):
            raise NotPermitted(move="review", parties=["reviewer"])
        return
    if (
        policy.same_school_conflict
        and teacher.school_id is not None
        and reviewer.school_id == teacher.school_id
    ):
        raise PreconditionFailed(need="no_conflict", person=reviewer.name, teacher=teacher.name)
    named = {
        OfficialReviewer.FACILITATOR: actor.has_role(Role.FACILITATOR, anywhere=True),
        OfficialReviewer.COMMITTEE: reviewer.email in policy.committee,
        OfficialReviewer.SCHOOL_ADMIN: teacher.school_id is not None
        and actor.has_role(Role.SCHOOL_ADMIN, school_id=teacher.school_id),
    }
    if not any(named[kind] for kind in policy.official):
        raise NotPermitted(move="review", parties=["reviewer"])
