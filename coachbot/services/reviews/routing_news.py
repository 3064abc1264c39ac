"""The news routing causes, written to the outbox in the routing's own transaction.

A review assigned on a hand-in, a colleague asked for their comments, the admins told that
nobody is free, a review handed to a colleague: each message commits with the change it reports
(a crash loses neither, a platform error only delays it) and the dispatcher sends it, as it does
the feedback (``news``). Each row's key is unique to its occasion, so it is never queued twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.nudges import NudgeKind
from coachbot.domain.reviews import ReviewPurpose
from coachbot.domain.roles import Role
from coachbot.services.record import outbox
from coachbot.storage.models import CredentialRow, Person, Pursuit, Review, RoleGrantRow


async def title_of(session: AsyncSession, pursuit: Pursuit) -> str:
    title = await session.scalar(
        select(CredentialRow.title).where(CredentialRow.id == pursuit.credential_id)
    )
    return title or ""


async def _about(session: AsyncSession, pursuit: Pursuit) -> dict[str, Any]:
    """Who handed in what: the teacher's name and the credential's title."""
    teacher = await session.scalar(select(Person.name).where(Person.id == pursuit.teacher_id))
    title = await title_of(session, pursuit)
    return {"teacher": teacher or "", "credential": title, "pursuit_id": pursuit.id}


def _review_params(review: Review) -> dict[str, Any]:
    assert review.due_at is not None
    return {"review_id": review.id, "purpose": review.purpose, "due": review.due_at.isoformat()}


async def assigned(session: AsyncSession, now: datetime, review: Review, pursuit: Pursuit) -> None:
    """The reviewer (or, for a peer review, the colleague) hears the evidence is theirs."""
    peer = review.purpose == ReviewPurpose.PEER
    kind = NudgeKind.PEER_ASKED if peer else NudgeKind.REVIEW_ASSIGNED
    params = await _about(session, pursuit) | _review_params(review) | {"fresh": True}
    outbox.queue(
        session,
        now,
        key=f"{review.reviewer_id}:{kind.value}:review:{review.id}:handed_in",
        district_id=pursuit.district_id,
        person_id=review.reviewer_id,
        kind=kind,
        subject=f"review:{review.id}",
        params=params,
    )


async def nobody_free(
    session: AsyncSession,
    now: datetime,
    pursuit: Pursuit,
    version_id: int,
    kind: str,
    free_on: datetime | None,
) -> int:
    """Every district admin hears that nobody can take the evidence yet; returns how many."""
    admins = list(
        await session.scalars(
            select(RoleGrantRow.person_id)
            .join(Person, Person.id == RoleGrantRow.person_id)
            .where(
                Person.district_id == pursuit.district_id,
                RoleGrantRow.role == Role.DISTRICT_ADMIN.value,
                Person.id != pursuit.teacher_id,
            )
            .order_by(RoleGrantRow.person_id)
        )
    )
    params = await _about(session, pursuit) | {
        "kind": kind,
        "free_on": free_on.isoformat() if free_on else None,
    }
    for admin in dict.fromkeys(admins):
        outbox.queue(
            session,
            now,
            key=f"{admin}:{NudgeKind.NOBODY_TO_REVIEW.value}:version:{version_id}",
            district_id=pursuit.district_id,
            person_id=admin,
            kind=NudgeKind.NOBODY_TO_REVIEW,
            # Not "pursuit:": that subject reads as stale once the evidence is submitted.
            subject=f"wait:{pursuit.id}",
            params=params,
        )
    return len(admins)


async def handed_off(
    session: AsyncSession,
    now: datetime,
    review: Review,
    pursuit: Pursuit,
    giver_id: int,
    reason: str,
) -> None:
    """The colleague a review was handed to hears who gave it to them, and why."""
    giver = await session.scalar(select(Person.name).where(Person.id == giver_id))
    params = await _about(session, pursuit) | _review_params(review)
    outbox.queue(
        session,
        now,
        key=f"{review.reviewer_id}:{NudgeKind.REVIEW_HANDED.value}:review:{review.id}",
        district_id=pursuit.district_id,
        person_id=review.reviewer_id,
        kind=NudgeKind.REVIEW_HANDED,
        subject=f"review:{review.id}",
        params=params | {"from_name": giver or "", "reason": reason},
    )
