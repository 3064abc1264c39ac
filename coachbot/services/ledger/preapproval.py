"""Pre-approval by a committee (Kettle Moraine's "committee vote"): when the catalog names
``policy.preapproval.committee``, an approver's "approve" is that member's vote, and the
request is approved only when the committee's quorum has said yes. A send-back by a member
still sends it back at once, with its reason (and closes the vote). Inside the approval's own
transaction, so the vote and the decision commit together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.errors import CommitteeRefusal
from coachbot.domain.policy import DistrictPolicy
from coachbot.domain.roles import Actor
from coachbot.services.ledger.committees import members
from coachbot.services.ledger.outcomes import DEFAULT_COMMITTEE
from coachbot.services.record import audit
from coachbot.storage.models import CommitteeRequest, CommitteeVote, Pursuit

PREAPPROVAL = "preapproval"


@dataclass(frozen=True)
class Tally:
    yes: int
    quorum: int

    @property
    def reached(self) -> bool:
        return self.yes >= self.quorum


async def _open(session: AsyncSession, pursuit: Pursuit) -> CommitteeRequest | None:
    return await session.scalar(
        select(CommitteeRequest).where(
            CommitteeRequest.pursuit_id == pursuit.id,
            CommitteeRequest.kind == PREAPPROVAL,
            CommitteeRequest.state == "open",
        )
    )


async def vote_to_approve(
    session: AsyncSession, now: datetime, policy: DistrictPolicy, actor: Actor, pursuit: Pursuit,
    title: str,
) -> Tally:  # fmt: skip
    """Record ``actor``'s yes; returns the tally (the caller approves once it is reached)."""
    committee = policy.committee(policy.preapproval_committee or "") or DEFAULT_COMMITTEE
    if actor.person_id not in await members(session, pursuit.district_id, committee):
        raise CommitteeRefusal(why="not_member", request=pursuit.id, committee=committee.name)
    request = await _open(session, pursuit)
    if request is None:
        request = CommitteeRequest(
            district_id=pursuit.district_id, committee=committee.name,
            teacher_id=pursuit.teacher_id, completion_id=None, pursuit_id=pursuit.id,
            kind=PREAPPROVAL, pathway_code="", pathway_title=title, outcome={}, state="open",
            created_at=now, decided_at=None, version=1,
        )  # fmt: skip
        session.add(request)
        await session.flush()
    already = await session.scalar(
        select(CommitteeVote.vote).where(
            CommitteeVote.request_id == request.id, CommitteeVote.voter_id == actor.person_id
        )
    )
    if already is not None:
        raise CommitteeRefusal(why="already_voted", request=pursuit.id, vote=already)
    session.add(CommitteeVote(request_id=request.id, voter_id=actor.person_id, vote="yes",
                              reason=None, voted_at=now))  # fmt: skip
    await session.flush()
    yes = int(
        await session.scalar(
            select(func.count()).where(
                CommitteeVote.request_id == request.id, CommitteeVote.vote == "yes"
            )
        )
        or 0
    )
    tally = Tally(yes, committee.quorum)
    if tally.reached:
        request.state, request.decided_at = "approved", now
    audit.on_pursuit(session, pursuit, actor, "committee_vote", at=now,
                     details={"vote": "yes", "yes": yes, "quorum": committee.quorum})  # fmt: skip
    return tally


async def close_vote(session: AsyncSession, now: datetime, pursuit: Pursuit) -> None:
    """A member sent the request back: the open vote, if any, ends "not yet"."""
    request = await _open(session, pursuit)
    if request is not None:
        request.state, request.decided_at = "not_yet", now
