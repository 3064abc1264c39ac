"""The demo's reviewers work through their queue, and the closing figure on how long reviews took.

Reviewers in the demo act on what is in their queue, read from the database, not on the notices
they were sent: a notice held over a holiday (or a review moved to them after its due date) is
still work they do within a few school days, as a real reviewer would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from coachbot.composition import Services
from coachbot.domain.reviews import ReviewPurpose, ReviewStatus
from coachbot.storage.models import CredentialRow, Person, Pursuit, Review

Teacher_ = aliased(Person)
# A formal decision: the official review and, when double-scored for calibration, the second
# (and a third when those two disagree).
FORMAL = (ReviewPurpose.OFFICIAL.value, ReviewPurpose.SECOND.value, ReviewPurpose.THIRD.value)
MOVED = (ReviewStatus.REASSIGNED.value, ReviewStatus.HANDED_OFF.value)
DONE = (ReviewStatus.COMPLETED.value, ReviewStatus.SCORED.value)


@dataclass(frozen=True)
class OpenReview:
    id: int
    purpose: str
    reviewer_email: str
    teacher_email: str


async def open_reviews(services: Services, teacher_email: str | None = None) -> list[OpenReview]:
    """Reviews waiting in someone's queue (a colleague's comments on a draft are asked for
    apart), oldest first; only the teacher's when ``teacher_email`` is given."""
    query = (
        select(Review.id, Review.purpose, Person.email, Teacher_.email)
        .join(Person, Person.id == Review.reviewer_id)
        .join(Pursuit, Pursuit.id == Review.pursuit_id)
        .join(Teacher_, Teacher_.id == Pursuit.teacher_id)
        .where(
            Review.status == ReviewStatus.ASSIGNED.value,
            Review.purpose != ReviewPurpose.PEER.value,
        )
        .order_by(Review.id)
    )
    if teacher_email is not None:
        query = query.where(func.lower(Teacher_.email) == teacher_email.lower())
    async with services.db.read() as session:
        rows = (await session.execute(query)).all()
    return [OpenReview(i, str(p), r.lower(), t.lower()) for i, p, r, t in rows]


@dataclass(frozen=True)
class LongestWait:
    days: int
    teacher: str
    credential: str
    moves: int  # how many times the review moved to another reviewer
    decided: bool
    waiting: int  # formal submissions with no decision at the end


async def longest_wait(services: Services, now: datetime) -> LongestWait | None:
    """The formal submission whose teacher waited longest for the decision (until ``now`` if
    it is still waiting): from the first reviewer's assignment, at the hand-in, to the last
    score of the decision."""
    async with services.db.read() as session:
        rows = (
            await session.execute(
                select(
                    Review.evidence_version_id,
                    Review.status,
                    Review.assigned_at,
                    Review.completed_at,
                    Teacher_.name,
                    CredentialRow.title,
                )
                .join(Pursuit, Pursuit.id == Review.pursuit_id)
                .join(Teacher_, Teacher_.id == Pursuit.teacher_id)
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .where(Review.purpose.in_(FORMAL))
                .order_by(Review.id)
            )
        ).all()
    submissions: dict[int, list[tuple[str, datetime, datetime | None, str, str]]] = {}
    for version, status, assigned, completed, teacher, title in rows:
        submissions.setdefault(version, []).append(
            (str(status), _aware(assigned), _aware(completed), teacher, title)
        )
    waits: list[LongestWait] = []
    for reviews in submissions.values():
        decided = all(status != ReviewStatus.ASSIGNED.value for status, *_ in reviews)
        ends = [done for status, _, done, *_ in reviews if status in DONE and done]
        if decided and not ends:
            continue  # withdrawn or replaced by newer evidence before anyone decided
        end = max(ends) if decided else now
        start = min(assigned for _, assigned, *_ in reviews)
        moves = sum(status in MOVED for status, *_ in reviews)
        _, _, _, teacher, title = reviews[0]
        days = round((end - start).total_seconds() / 86400)
        waits.append(LongestWait(days, teacher, title, moves, decided, 0))
    if not waits:
        return None
    longest = max(waits, key=lambda w: w.days)
    waiting = sum(not w.decided for w in waits)
    return LongestWait(**{**longest.__dict__, "waiting": waiting})


def _aware(when: datetime | None) -> datetime | None:
    """SQLite may hand times back without their zone; every time CoachBot stores is UTC."""
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=UTC)
