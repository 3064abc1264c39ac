"""A hand-in and its routing, in one transaction.

Storing the version (``EvidenceService``), giving it to a reviewer or recording that it waits,
asking a colleague for their comments on a draft, and writing every message that causes (the
reviewer's, the colleague's, the admins' when nobody is free) to the outbox all commit together.
A crash before the commit leaves the basket as it was and nothing handed in; after it, the
dispatcher finds the messages. The chat handler only tells the teacher what happened, from the
``Routed`` this returns; a replayed request gets the first one's answer back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.evidence import EvidenceKind, EvidencePart
from coachbot.domain.reviews import ReviewPurpose, ReviewStatus
from coachbot.domain.roles import Actor
from coachbot.services.evidence import EvidenceService, HandedIn
from coachbot.services.reviews import routing_news, waits
from coachbot.services.reviews.reviewing import ReviewService
from coachbot.services.reviews.routing import context
from coachbot.storage.models import Person, Pursuit, Review


@dataclass(frozen=True)
class Routed:
    """What a hand-in led to, as the teacher is told it."""

    pursuit_id: int
    kind: str  # draft | formal
    title: str
    replayed: bool
    reviewer: str | None  # who has it; None while it waits
    expected_by: datetime | None  # while it waits: when feedback can honestly be expected
    free_on: datetime | None  # while it waits: when the first reviewer has room
    peer: str | None  # the colleague asked to comment on a draft
    peer_review: bool  # the district asks for peer review (so "no colleague free" is news)

    @classmethod
    def of(cls, handed: HandedIn) -> Routed:
        r = handed.routing or {}
        return cls(
            pursuit_id=handed.pursuit_id,
            kind=handed.kind,
            title=r.get("title", ""),
            replayed=handed.replayed,
            reviewer=r.get("reviewer"),
            expected_by=_when(r.get("expected_by")),
            free_on=_when(r.get("free_on")),
            peer=r.get("peer"),
            peer_review=bool(r.get("peer_review")),
        )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class HandIns:
    """The teacher's hand-in as one use case: evidence stored, routed and announced at once."""

    def __init__(self, evidence: EvidenceService, reviews: ReviewService, clock: Clock) -> None:
        self.evidence = evidence
        self.reviews = reviews
        self.clock = clock

    async def hand_in(
        self,
        actor: Actor,
        pursuit_id: int,
        kind: EvidenceKind,
        parts: list[EvidencePart],
        *,
        idempotency_key: str | None = None,
    ) -> Routed:
        handed = await self.evidence.hand_in(
            actor, pursuit_id, kind, parts, idempotency_key=idempotency_key, then=self.route_in
        )
        return Routed.of(handed)

    async def hand_in_basket(
        self,
        actor: Actor,
        pursuit_id: int,
        kind: EvidenceKind,
        *,
        supplied: Sequence[EvidencePart] = (),
        idempotency_key: str | None = None,
    ) -> Routed:
        handed = await self.evidence.hand_in_basket(
            actor,
            pursuit_id,
            kind,
            supplied=supplied,
            idempotency_key=idempotency_key,
            then=self.route_in,
        )
        return Routed.of(handed)

    async def route_in(
        self, session: AsyncSession, pursuit: Pursuit, handed: dict[str, Any]
    ) -> dict[str, Any]:
        """Route the version just stored, in its transaction; returns what the teacher is told."""
        now = self.clock.now()
        version_id = handed["version_id"]
        # A colleague's comments were asked for the draft this version replaces: that ask ends.
        await session.execute(
            update(Review)
            .where(
                Review.pursuit_id == pursuit.id,
                Review.purpose == ReviewPurpose.PEER,
                Review.status == ReviewStatus.ASSIGNED,
                Review.evidence_version_id != version_id,
            )
            .values(status=ReviewStatus.SUPERSEDED, completed_at=now)
        )
        ctx = await context(session, pursuit)
        told: dict[str, Any] = {
            "title": await routing_news.title_of(session, pursuit),
            "peer_review": False,
        }
        routed = await self.reviews.route_in(session, pursuit)
        if routed is None:
            wait = await waits.waiting(session, pursuit.id)
            expected = wait.expected_by if wait else None
            free_on = wait.next_try_at if wait and expected else None
            await routing_news.nobody_free(
                session, now, pursuit, version_id, handed["kind"], free_on
            )
            told |= {
                "expected_by": expected.isoformat() if expected else None,
                "free_on": free_on.isoformat() if free_on else None,
            }
        else:
            review_id, reviewer = routed
            await self._announce(session, now, pursuit, review_id)
            told["reviewer"] = await _name(session, reviewer)
        if handed["kind"] == EvidenceKind.DRAFT.value and ctx.policy.peer_review:
            told["peer_review"] = True
            paired = await self.reviews.route_peer_in(session, pursuit)
            if paired is not None:
                await self._announce(session, now, pursuit, paired[0])
                told["peer"] = await _name(session, paired[1])
        return told

    @staticmethod
    async def _announce(
        session: AsyncSession, now: datetime, pursuit: Pursuit, review_id: int
    ) -> None:
        review = await session.get(Review, review_id)
        assert review is not None
        await routing_news.assigned(session, now, review, pursuit)


async def _name(session: AsyncSession, person_id: int) -> str:
    return await session.scalar(select(Person.name).where(Person.id == person_id)) or ""
