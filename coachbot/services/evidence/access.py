"""Showing evidence only to those allowed to see it, and recording every look.

Allowed: the teacher whose evidence it is, the reviewers assigned to that version (a reviewer who
handed it off no longer is), and the district's admins. Everyone else is told politely that they
cannot see it. Every look is in the audit trail ("view_evidence"), and so is every refused one
("view_evidence_refused"), so a district can see who tried.

Files are opened through links that expire (``links.py``); each open asks the same rule
(``may_see``) again in ``files.py``. A view lists, beside each file part, a fresh link made for
the person looking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.catalog import Rubric
from coachbot.domain.errors import NotFound, NotPermitted
from coachbot.domain.evidence import EvidencePart
from coachbot.domain.reviews import OPEN, PEER_SEEING, SEEING, ReviewPurpose, ReviewStatus
from coachbot.domain.roles import Actor, Role
from coachbot.services.evidence.basket import part_of
from coachbot.services.evidence.links import EvidenceLinks
from coachbot.services.journey.extra_tries import allowed_tries
from coachbot.services.record import audit
from coachbot.storage.codec import policy_from_json, rubric_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    CredentialRow,
    District,
    EvidencePartRow,
    EvidenceVersion,
    Person,
    Pursuit,
    Review,
)


@dataclass(frozen=True)
class EvidenceView:
    pursuit_id: int
    review_id: int | None
    purpose: str | None
    teacher: str
    credential: str
    number: int
    kind: str
    attempt: int
    parts: list[EvidencePart]
    rubric: Rubric
    reviewer_id: int | None = None  # who holds the review this view was opened for
    open: bool = False  # that review still waits for scores
    # Beside each part: a link that opens its file (made for the person looking), or None.
    links: tuple[str | None, ...] = ()
    # How many formal submissions the pursuit may have: a try is read "try 2 of 3" everywhere.
    tries: int = 0
    # The review's own state, so a finished one reads finished (a trial opened a completed
    # review and was offered to score it): its status, decision and when it was completed.
    status: str = ""
    decision: str | None = None
    completed_at: datetime | None = None


def seeing_review() -> ColumnElement[bool]:
    """``reviews`` rows whose reviewer may see the evidence (``domain.reviews.sees_evidence``,
    as SQL): a reviewer's in ``SEEING``, a colleague's comments only while still to write."""
    return or_(
        and_(Review.purpose != ReviewPurpose.PEER.value, Review.status.in_(SEEING)),
        and_(Review.purpose == ReviewPurpose.PEER.value, Review.status.in_(PEER_SEEING)),
    )


def finished_peer_review() -> ColumnElement[bool]:
    """``reviews`` rows that were a colleague's comments and are over (sent, or the draft
    replaced by a newer one): why the file is closed to that colleague now, said as such."""
    return and_(
        Review.purpose == ReviewPurpose.PEER.value,
        Review.status.in_((ReviewStatus.COMPLETED, ReviewStatus.SUPERSEDED)),
    )


class _Refused(Exception):
    """Carries a refusal out of the transaction so that it can be recorded in its own."""

    def __init__(self, error: NotPermitted, district_id: int, pursuit_id: int, number: int):
        super().__init__(str(error))
        self.error, self.district_id = error, district_id
        self.pursuit_id, self.number = pursuit_id, number


def may_see(actor: Actor, teacher_id: int, district_id: int, reviewers: set[int]) -> bool:
    """The rule: the teacher, a reviewer assigned to the version, the district's admins."""
    return actor.person_id is not None and (
        actor.person_id == teacher_id
        or actor.person_id in reviewers
        or (actor.district_id == district_id and actor.has_role(Role.DISTRICT_ADMIN))
    )


async def _seeing_reviewers(session: AsyncSession, version_id: int) -> set[int]:
    return set(
        await session.scalars(
            select(Review.reviewer_id).where(
                Review.evidence_version_id == version_id,
                seeing_review(),
            )
        )
    )


class EvidenceAccess:
    def __init__(self, db: Database, clock: Clock, links: EvidenceLinks | None = None) -> None:
        self.db = db
        self.clock = clock
        self.links = links

    @property
    def link_hours(self) -> int:
        """How long the links in a view work, in whole hours (at least one)."""
        if self.links is None:
            return 0
        return max(1, round(self.links.lifetime.total_seconds() / 3600))

    async def for_review(self, actor: Actor, review_id: int) -> EvidenceView:
        try:
            async with self.db.write() as session:
                review = await session.get(Review, review_id)
                if review is None:
                    raise NotFound(what="review", key=str(review_id))
                return await self._view(session, actor, review.evidence_version_id, review)
        except _Refused as refused:
            await self._record_refusal(actor, refused)
            raise refused.error from None

    async def latest(self, actor: Actor, pursuit_id: int) -> EvidenceView:
        try:
            async with self.db.write() as session:
                version_id = await session.scalar(
                    select(EvidenceVersion.id)
                    .where(EvidenceVersion.pursuit_id == pursuit_id)
                    .order_by(EvidenceVersion.number.desc())
                    .limit(1)
                )
                if version_id is None:
                    raise NotFound(what="evidence", key=str(pursuit_id))
                return await self._view(session, actor, version_id, None)
        except _Refused as refused:
            await self._record_refusal(actor, refused)
            raise refused.error from None

    async def _record_refusal(self, actor: Actor, refused: _Refused) -> None:
        async with self.db.write() as session:
            audit.record(
                session,
                at=self.clock.now(),
                actor=actor,
                district_id=refused.district_id,
                subject_type="pursuit",
                subject_id=refused.pursuit_id,
                action="view_evidence_refused",
                details={"version": refused.number},
            )

    async def _view(
        self, session: AsyncSession, actor: Actor, version_id: int, review: Review | None
    ) -> EvidenceView:
        version = await session.get(EvidenceVersion, version_id)
        assert version is not None
        pursuit = await session.get(Pursuit, version.pursuit_id)
        assert pursuit is not None
        reviewers = await _seeing_reviewers(session, version.id)
        if not may_see(actor, pursuit.teacher_id, pursuit.district_id, reviewers):
            raise _Refused(
                NotPermitted(move="view_evidence", parties=["owner", "reviewer", "admin"]),
                pursuit.district_id,
                pursuit.id,
                version.number,
            )
        teacher = await session.get(Person, pursuit.teacher_id)
        credential = await session.get(CredentialRow, pursuit.credential_id)
        assert teacher is not None and credential is not None
        rows = list(
            await session.scalars(
                select(EvidencePartRow)
                .where(EvidencePartRow.version_id == version.id)
                .order_by(EvidencePartRow.position)
            )
        )
        parts = [part_of(row) for row in rows]
        links = tuple(
            self.links.url(row.id, actor.person_id)
            if self.links is not None and actor.person_id is not None and row.content_hash
            else None
            for row in rows
        )
        audit.on_pursuit(
            session,
            pursuit,
            actor,
            "view_evidence",
            at=self.clock.now(),
            details={"version": version.number},
        )
        anchor = review is not None and review.purpose == ReviewPurpose.EXERCISE
        district = await session.get(District, pursuit.district_id)
        assert district is not None
        limit = policy_from_json(district.policy).resubmission_limit
        return EvidenceView(
            pursuit.id,
            review.id if review else None,
            review.purpose if review else None,
            "" if anchor else teacher.name,  # an anchor is scored without knowing whose it is
            credential.title,
            version.number,
            version.kind,
            pursuit.attempts,
            parts,
            rubric_from_json(credential.rubric),
            review.reviewer_id if review else None,
            review is not None and review.status in OPEN,
            links,
            await allowed_tries(session, pursuit, limit),
            status=review.status if review else "",
            decision=review.decision if review else None,
            completed_at=review.completed_at if review else None,
        )
