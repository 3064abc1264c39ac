"""Who stands in which relation to an object: the facts the conversation's authorization reads.

The rules themselves are declared with each action (``coachbot.conversation.authorization``);
this service only answers "is this person the owner / the assigned reviewer / an approver / a
facilitator of the cohort / an admin of the district of object N?", always inside the actor's
own district, and writes every refusal to the audit trail so a district admin can see who tried.
An object of another district is answered exactly as one that does not exist: nobody learns that
a number is taken elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.reviews import LEFT, OPEN, PAIRED, ReviewPurpose, sees_evidence
from coachbot.domain.roles import Actor, Role
from coachbot.services.evidence.access import seeing_review
from coachbot.services.journey.approval_records import approvers_of
from coachbot.services.reading.settled_facts import SettledFacts
from coachbot.services.record import audit
from coachbot.storage.database import Database
from coachbot.storage.models import (
    AuditEvent,
    Cohort,
    CohortMember,
    Person,
    Pursuit,
    Review,
)

REFUSED = "refused"  # the audit action of a refusal; ``details`` says which action and why


class Subject(StrEnum):
    """The kind of object an action names."""

    PURSUIT = "pursuit"
    REVIEW = "review"
    COHORT = "cohort"
    PERSON = "person"


class Relation(StrEnum):
    """How a person may stand to an object; a rule lists the ones that suffice."""

    OWNER = "owner"  # the teacher whose pursuit it is (or whose evidence a review is about)
    # Is (or was) given this review: scoring it is theirs to try, and the review service says
    # in its own words when it is no longer open (handed off, replaced by a newer draft...).
    REVIEWER = "reviewer"
    HOLDER = "holder"  # holds (or held) this review: may look at it again
    APPROVER = "approver"  # may decide this pursuit's pre-approval request (district policy)
    COHORT_FACILITATOR = "cohort_facilitator"  # facilitates the pursuit's cohort
    DISTRICT_ADMIN = "district_admin"  # an admin of the object's district
    SCHOOL_ADMIN = "school_admin"  # an admin of the object's school (or of the district)
    MEMBER = "member"  # anyone in the object's district (a cohort one may join)


# Reviews scored blind: until the reviewer's own scores are in, no other review of the same
# evidence may be opened by them (the teacher's name, the partner's work stay hidden).
BLIND = (ReviewPurpose.EXERCISE, *PAIRED)



@dataclass(frozen=True)
class Verdict:
    allowed: bool
    why: str = ""  # for the audit trail: not_found, other_district, not_<relations>, blind
    district_id: int | None = None  # the object's district, when it exists
    # ``why == "moved"``: the asker's own review, reassigned or handed to a colleague; how
    # (its status), when, and to whom (their name), so they can be told no more is needed.
    moved: tuple[str, datetime, str] | None = None


@dataclass(frozen=True)
class Attempt:
    """A refused action, as a district admin reads it."""

    at: datetime
    who: str
    action: str
    subject: str
    subject_id: int
    why: str


class AccessFacts:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.settled = SettledFacts()

    async def check(
        self, actor: Actor, subject: Subject, object_id: int, relations: Iterable[Relation]
    ) -> Verdict:
        """Whether ``actor`` stands in one of ``relations`` to the object, in their district."""
        relations = tuple(relations)
        if subject is Subject.PURSUIT and (known := self.settled.pursuit(object_id)):
            decided = SettledFacts.decides(known, actor, tuple(r.value for r in relations))
            if decided:
                return Verdict(True, district_id=known.district_id)
            if decided is False:
                if known.district_id != actor.district_id:
                    return Verdict(False, "other_district", known.district_id)
                return _refused(relations, known.district_id)
        async with self.db.read() as session:
            if subject is Subject.PURSUIT:
                return await self._pursuit(session, actor, object_id, tuple(relations))
            if subject is Subject.REVIEW:
                return await self._review(session, actor, object_id, tuple(relations))
            if subject is Subject.COHORT:
                return await self._cohort(session, actor, object_id, tuple(relations))
            return await self._person(session, actor, object_id, tuple(relations))

    async def _pursuit(
        self, session: AsyncSession, actor: Actor, pursuit_id: int, wanted: tuple[Relation, ...]
    ) -> Verdict:
        pursuit = await session.get(Pursuit, pursuit_id)
        if pursuit is None:
            return Verdict(False, "not_found")
        self.settled.remember(pursuit.id, pursuit.district_id, pursuit.teacher_id)
        if pursuit.district_id != actor.district_id:
            return Verdict(False, "other_district", pursuit.district_id)
        for relation in wanted:
            if await self._holds_on_pursuit(session, actor, pursuit, relation):
                return Verdict(True, district_id=pursuit.district_id)
        return _refused(wanted, pursuit.district_id)

    async def _holds_on_pursuit(
        self, session: AsyncSession, actor: Actor, pursuit: Pursuit, relation: Relation
    ) -> bool:
        if relation is Relation.OWNER:
            return pursuit.teacher_id == actor.person_id
        if relation is Relation.DISTRICT_ADMIN:
            return actor.has_role(Role.DISTRICT_ADMIN)
        if relation is Relation.APPROVER:
            return actor.person_id in await approvers_of(session, pursuit)
        if relation is Relation.COHORT_FACILITATOR:
            if pursuit.cohort_id is None:
                return False  # no cohort: the district admins decide (their own relation)
            return await _facilitates(session, actor, pursuit.cohort_id)
        if relation is Relation.SCHOOL_ADMIN:
            teacher = await session.get(Person, pursuit.teacher_id)
            return teacher is not None and actor.is_admin_for(teacher.school_id)
        if relation in (Relation.REVIEWER, Relation.HOLDER):
            held = await session.scalar(
                select(Review.id).where(
                    Review.pursuit_id == pursuit.id,
                    Review.reviewer_id == actor.person_id,
                    Review.status.in_(OPEN) if relation is Relation.REVIEWER else seeing_review(),
                ).limit(1)
            )  # fmt: skip
            return held is not None
        return relation is Relation.MEMBER

    async def _review(
        self, session: AsyncSession, actor: Actor, review_id: int, wanted: tuple[Relation, ...]
    ) -> Verdict:
        review = await session.get(Review, review_id)
        if review is None:
            return Verdict(False, "not_found")
        pursuit = await session.get(Pursuit, review.pursuit_id)
        assert pursuit is not None  # a foreign key
        if pursuit.district_id != actor.district_id:
            return Verdict(False, "other_district", pursuit.district_id)
        mine = review.reviewer_id == actor.person_id
        if not mine and await self._scoring_blind(session, actor, review.evidence_version_id):
            return Verdict(False, "blind", pursuit.district_id)
        for relation in wanted:
            if relation is Relation.REVIEWER and mine:
                return Verdict(True, district_id=pursuit.district_id)
            if relation is Relation.HOLDER and await self._sees(session, actor, review, mine):
                return Verdict(True, district_id=pursuit.district_id)
            if (
                relation is Relation.OWNER
                and pursuit.teacher_id == actor.person_id
                and review.purpose != ReviewPurpose.EXERCISE  # an exercise is not their review
            ):
                return Verdict(True, district_id=pursuit.district_id)
            if relation is Relation.DISTRICT_ADMIN and actor.has_role(Role.DISTRICT_ADMIN):
                return Verdict(True, district_id=pursuit.district_id)
        if mine and review.status in LEFT and review.completed_at is not None:
            return await _moved(session, review, pursuit.district_id)
        if mine and review.purpose == ReviewPurpose.PEER and review.completed_at is not None:
            # Her comments sent (or the draft replaced): nothing more to do, told so kindly,
            # not logged as an attempt on a colleague's work.
            return Verdict(False, "moved", pursuit.district_id,
                           moved=(review.status, review.completed_at, ""))  # fmt: skip
        return _refused(wanted, pursuit.district_id)

    @staticmethod
    async def _sees(session: AsyncSession, actor: Actor, review: Review, mine: bool) -> bool:
        """A reviewer of this evidence: this review's, or another's of the same version
        (the reviewers of a version may see it, as ``evidence.access.may_see`` says)."""
        if mine and sees_evidence(review.purpose, review.status):
            return True
        held = await session.scalar(
            select(Review.id).where(
                Review.evidence_version_id == review.evidence_version_id,
                Review.reviewer_id == actor.person_id,
                seeing_review(),
            ).limit(1)
        )  # fmt: skip
        return held is not None

    @staticmethod
    async def _scoring_blind(session: AsyncSession, actor: Actor, version_id: int) -> bool:
        """The actor holds an open blind review (an anchor exercise or one of a double-scored
        pair) of this evidence: until their scores are in, they see only their own."""
        held = await session.scalar(
            select(Review.id).where(
                Review.evidence_version_id == version_id,
                Review.reviewer_id == actor.person_id,
                Review.purpose.in_(BLIND),
                Review.status.in_(OPEN),
            ).limit(1)
        )  # fmt: skip
        return held is not None

    async def _cohort(
        self, session: AsyncSession, actor: Actor, cohort_id: int, wanted: tuple[Relation, ...]
    ) -> Verdict:
        cohort = await session.get(Cohort, cohort_id)
        if cohort is None:
            return Verdict(False, "not_found")
        if cohort.district_id != actor.district_id:
            return Verdict(False, "other_district", cohort.district_id)
        for relation in wanted:
            if relation is Relation.MEMBER:
                return Verdict(True, district_id=cohort.district_id)
            if relation is Relation.DISTRICT_ADMIN and actor.has_role(Role.DISTRICT_ADMIN):
                return Verdict(True, district_id=cohort.district_id)
            if relation is Relation.SCHOOL_ADMIN and actor.is_admin_for(cohort.school_id):
                return Verdict(True, district_id=cohort.district_id)
            if relation is Relation.COHORT_FACILITATOR and await _facilitates(
                session, actor, cohort.id
            ):
                return Verdict(True, district_id=cohort.district_id)
        return _refused(wanted, cohort.district_id)

    async def _person(
        self, session: AsyncSession, actor: Actor, person_id: int, wanted: tuple[Relation, ...]
    ) -> Verdict:
        person = await session.get(Person, person_id)
        if person is None:
            return Verdict(False, "not_found")
        if person.district_id != actor.district_id:
            return Verdict(False, "other_district", person.district_id)
        for relation in wanted:
            if relation is Relation.OWNER and person.id == actor.person_id:
                return Verdict(True, district_id=person.district_id)
            if relation is Relation.DISTRICT_ADMIN and actor.has_role(Role.DISTRICT_ADMIN):
                return Verdict(True, district_id=person.district_id)
            if relation is Relation.SCHOOL_ADMIN and actor.is_admin_for(person.school_id):
                return Verdict(True, district_id=person.district_id)
            if relation is Relation.MEMBER:
                return Verdict(True, district_id=person.district_id)
        return _refused(wanted, person.district_id)

    async def refused(
        self,
        actor: Actor,
        *,
        action: str,
        door: str,
        why: str,
        subject: str = "action",
        subject_id: int = 0,
        district_id: int | None = None,
    ) -> None:
        """Write a refusal to the audit trail: in the actor's district, and in the object's
        when that is another one (its admins should know someone from elsewhere tried)."""
        details: dict[str, Any] = {"action": action, "door": door}
        async with self.db.write() as session:
            for district in dict.fromkeys((actor.district_id, district_id)):
                if district is None:
                    continue
                audit.record(
                    session, at=self.clock.now(), actor=actor, district_id=district,
                    subject_type=subject, subject_id=subject_id, action=REFUSED, reason=why,
                    details=details,
                )  # fmt: skip

    async def attempts(self, district_id: int, limit: int = 20) -> tuple[int, list[Attempt]]:
        """The district's latest refused attempts, newest first, and how many there are."""
        async with self.db.read() as session:
            where = (AuditEvent.district_id == district_id, AuditEvent.action == REFUSED)
            rows = (
                await session.execute(
                    select(AuditEvent, Person.name)
                    .outerjoin(Person, Person.id == AuditEvent.actor_id)
                    .where(*where)
                    .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
                    .limit(limit)
                )
            ).all()
            total = len(rows)
            if total == limit:
                total = (
                    await session.scalar(select(func.count()).select_from(AuditEvent).where(*where))
                    or 0
                )
        return total, [
            Attempt(
                event.occurred_at, name or "", (event.details or {}).get("action", ""),
                event.subject_type, event.subject_id, event.reason or "",
            )
            for event, name in rows
        ]  # fmt: skip


async def _facilitates(session: AsyncSession, actor: Actor, cohort_id: int) -> bool:
    found = await session.scalar(
        select(CohortMember.person_id).where(
            CohortMember.cohort_id == cohort_id,
            CohortMember.person_id == actor.person_id,
            CohortMember.role == Role.FACILITATOR.value,
        )
    )
    return found is not None


async def _moved(session: AsyncSession, review: Review, district_id: int) -> Verdict:
    """A review taken from its reviewer (late) or handed on by them: the colleague who has it
    now is the one given the same evidence for the same purpose at that moment."""
    successor = await session.scalar(
        select(Person.name)
        .join(Review, Review.reviewer_id == Person.id)
        .where(
            Review.evidence_version_id == review.evidence_version_id,
            Review.purpose == review.purpose,
            Review.id > review.id,
            Review.assigned_at == review.completed_at,
        )
        .order_by(Review.id)
        .limit(1)
    )
    assert review.completed_at is not None
    return Verdict(False, "moved", district_id,
                   moved=(review.status, review.completed_at, successor or ""))  # fmt: skip


def _refused(wanted: tuple[Relation, ...], district_id: int) -> Verdict:
    return Verdict(False, "not_" + "_or_".join(r.value for r in wanted), district_id)
