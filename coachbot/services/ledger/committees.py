"""Committees decide pathway outcomes: a request per completion that needs review, votes in
chat (yes, or not yet with a reason), and the outcome granted only when the quorum approves.

Each vote is one transaction holding the district's lock and the request's row: two members
voting at the same moment take turns, so the quorum is reached once and the outcome granted
once. Nobody votes on their own request. A request closes "not yet" as soon as the members who
have not voted could no longer make the quorum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.catalog import Outcome
from coachbot.domain.errors import CommitteeRefusal
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.policy import Committee, DistrictPolicy
from coachbot.domain.roles import Actor
from coachbot.services.ledger.entries import lock_district, year_of
from coachbot.services.ledger.outcomes import DEFAULT_COMMITTEE, committee_for, grant_outcome
from coachbot.services.ledger.service import Budget, budget_now
from coachbot.services.ledger.undone import undone_line
from coachbot.services.record import audit, outbox
from coachbot.storage.codec import outcome_from_json, outcome_to_json, policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import (
    CommitteeRequest,
    CommitteeVote,
    Completion,
    District,
    PathwayRow,
    Person,
    RoleGrantRow,
)

OPEN, APPROVED, NOT_YET, REFUSED = "open", "approved", "not_yet", "refused"
WITHDRAWN = "withdrawn"  # its completion was undone (a credential it rested on was revoked)


@dataclass(frozen=True)
class RequestLine:
    request_id: int
    committee: str
    teacher: str
    pathway: str
    outcome_kind: str
    outcome_value: str
    yes: int
    quorum: int
    voted: bool  # by the person asking


@dataclass(frozen=True)
class Open:
    requests: list[RequestLine]
    budget: Budget | None  # only for those who sit on a committee: the district's money


@dataclass(frozen=True)
class Voted:
    request_id: int
    state: str
    yes: int
    quorum: int
    teacher: str
    pathway: str
    outcome_value: str
    not_preapproved: tuple[str, ...] = ()
    over_budget: bool = False
    held_by: str = ""  # which limit held a granted stipend back: "cap" or "budget"


async def open_request(
    session: AsyncSession, now: datetime, policy: DistrictPolicy, completion: Completion,
    pathway: PathwayRow, outcome: Outcome,
) -> CommitteeRequest:  # fmt: skip
    """Inside the award's transaction: the request the committee will vote on. A completion
    undone by a revocation and completed again reopens its own request, for a fresh vote."""
    committee = committee_for(policy, outcome)
    earlier = await session.scalar(
        select(CommitteeRequest).where(CommitteeRequest.completion_id == completion.id)
    )
    if earlier is not None:
        return await _reopen(session, now, earlier, committee)
    request = CommitteeRequest(
        district_id=pathway.district_id, committee=committee.name,
        teacher_id=completion.teacher_id, completion_id=completion.id,
        pathway_code=pathway.code, pathway_title=pathway.title,
        outcome=outcome_to_json(outcome), state=OPEN, created_at=now, decided_at=None, version=1,
        kind="outcome",
    )  # fmt: skip
    session.add(request)
    await session.flush()
    audit.record(
        session, at=now, actor=Actor.system(pathway.district_id), district_id=pathway.district_id,
        subject_type="committee_request", subject_id=request.id, action="committee_request",
        details={"committee": committee.name, "pathway": pathway.code},
    )  # fmt: skip
    return request


async def _reopen(
    session: AsyncSession, now: datetime, request: CommitteeRequest, committee: Committee
) -> CommitteeRequest:
    # The votes were on the completion before it was undone; the audit trail keeps them.
    await session.execute(delete(CommitteeVote).where(CommitteeVote.request_id == request.id))
    request.committee, request.state, request.decided_at = committee.name, OPEN, None
    request.created_at, request.version = now, request.version + 1
    audit.record(
        session, at=now, actor=Actor.system(request.district_id),
        district_id=request.district_id, subject_type="committee_request",
        subject_id=request.id, action="committee_request_reopened",
        details={"committee": committee.name, "pathway": request.pathway_code},
    )  # fmt: skip
    return request


async def request_still_open(
    session: AsyncSession, completion_id: int, *, lock: bool = False
) -> CommitteeRequest | None:
    """The completion's committee request while the committee is still deciding it: what
    undoing the completion withdraws (and its preview says will be withdrawn)."""
    query = select(CommitteeRequest).where(CommitteeRequest.completion_id == completion_id)
    request = await session.scalar(query.with_for_update() if lock else query)
    return request if request is not None and request.state == OPEN else None


async def withdraw_request(
    session: AsyncSession, now: datetime, completion_id: int, reason: str
) -> int | None:
    """Inside the caller's transaction: the open request of an undone completion is
    withdrawn (its voters are no longer asked); returns its id, or None when there was none
    open. A request already decided stays as decided: the ledger reverses what it granted."""
    request = await request_still_open(session, completion_id, lock=True)
    if request is None:
        return None
    request.state, request.decided_at, request.version = WITHDRAWN, now, request.version + 1
    audit.record(
        session, at=now, actor=Actor.system(request.district_id),
        district_id=request.district_id, subject_type="committee_request",
        subject_id=request.id, action="committee_request_withdrawn", reason=reason,
        details={"pathway": request.pathway_code},
    )  # fmt: skip
    return request.id


async def members(session: AsyncSession, district_id: int, committee: Committee) -> list[int]:
    """The committee's people: by email, or everyone holding its role in the district."""
    if committee.members:
        wanted = [e.lower() for e in committee.members]
        query = select(Person.id).where(Person.district_id == district_id, Person.email.in_(wanted))
    else:
        assert committee.role is not None
        query = (
            select(Person.id)
            .join(RoleGrantRow, RoleGrantRow.person_id == Person.id)
            .where(Person.district_id == district_id, RoleGrantRow.role == committee.role.value)
        )
    return sorted(set(await session.scalars(query.where(Person.active.is_(True)))))


class CommitteeService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def waiting(self, actor: Actor) -> Open:
        """The open requests of the committees ``actor`` sits on, and the year's budget."""
        async with self.db.read() as session:
            district = await session.get(District, actor.district_id)
            assert district is not None
            policy = policy_from_json(district.policy)
            seats: dict[str, bool] = {}  # committee name -> the actor sits on it, read once

            async def sits_on(committee: Committee) -> bool:
                if committee.name not in seats:
                    seats[committee.name] = actor.person_id in await members(
                        session, district.id, committee
                    )
                return seats[committee.name]

            lines = []
            for request, teacher in await session.execute(
                select(CommitteeRequest, Person.name)
                .join(Person, Person.id == CommitteeRequest.teacher_id)
                .where(CommitteeRequest.district_id == district.id,
                       CommitteeRequest.state == OPEN, CommitteeRequest.kind == "outcome")
                .order_by(CommitteeRequest.id)
            ):  # fmt: skip
                committee = _committee(policy, request)
                if not await sits_on(committee):
                    continue
                votes = dict(
                    (await session.execute(
                        select(CommitteeVote.voter_id, CommitteeVote.vote)
                        .where(CommitteeVote.request_id == request.id)
                    )).all()
                )  # fmt: skip
                outcome = outcome_from_json(request.outcome)
                lines.append(RequestLine(
                    request.id, committee.name, teacher, request.pathway_title,
                    outcome.kind.value, outcome.value,
                    sum(1 for v in votes.values() if v == "yes"), committee.quorum,
                    actor.person_id in votes,
                ))  # fmt: skip
            # The budget is the district's business: shown to committee members only.
            sits = [*policy.committees, *(() if policy.committees else (DEFAULT_COMMITTEE,))]
            for each in sits:
                if await sits_on(each):
                    budget = await budget_now(
                        session, policy, district.id, year_of(policy, self.clock.now())
                    )
                    return Open(lines, budget)
            return Open(lines, None)

    async def vote(self, actor: Actor, request_id: int, yes: bool, reason: str = "") -> Voted:
        reason = reason.strip()
        if not yes and not reason:
            raise CommitteeRefusal(why="reason_needed", request=request_id)
        async with self.db.write() as session:
            now = self.clock.now()
            district = await lock_district(session, actor.district_id or 0)
            policy = policy_from_json(district.policy)
            request = (
                await session.execute(
                    select(CommitteeRequest)
                    .where(CommitteeRequest.id == request_id,
                           CommitteeRequest.district_id == district.id)
                    .with_for_update()
                )
            ).scalar_one_or_none()  # fmt: skip
            if request is None or request.completion_id is None:
                raise CommitteeRefusal(why="no_request", request=request_id)
            committee = _committee(policy, request)
            if request.teacher_id == actor.person_id:
                raise CommitteeRefusal(why="own_request", request=request_id)
            people = await members(session, district.id, committee)
            if actor.person_id not in people:
                raise CommitteeRefusal(why="not_member", request=request_id,
                                       committee=committee.name)  # fmt: skip
            if request.state != OPEN:
                raise CommitteeRefusal(why="decided", request=request_id, state=request.state,
                                       decided_at=request.decided_at,
                                       **await _undone(session, request))  # fmt: skip
            already = await session.scalar(
                select(CommitteeVote.vote).where(CommitteeVote.request_id == request.id,
                                                 CommitteeVote.voter_id == actor.person_id)
            )  # fmt: skip
            if already is not None:
                raise CommitteeRefusal(why="already_voted", request=request_id, vote=already)
            session.add(CommitteeVote(request_id=request.id, voter_id=actor.person_id,
                                      vote="yes" if yes else "not_yet", reason=reason or None,
                                      voted_at=now))  # fmt: skip
            await session.flush()
            tally = dict((await session.execute(
                select(CommitteeVote.vote, func.count()).where(
                    CommitteeVote.request_id == request.id).group_by(CommitteeVote.vote)
            )).all())  # fmt: skip
            yes_count, cast = int(tally.get("yes", 0)), sum(int(n) for n in tally.values())
            eligible = len([p for p in people if p != request.teacher_id])
            teacher = await session.get(Person, request.teacher_id)
            assert teacher is not None
            outcome = outcome_from_json(request.outcome)
            result: dict[str, Any] = {}
            if yes_count >= committee.quorum:
                completion = await session.get(Completion, request.completion_id)
                assert completion is not None
                granted = await grant_outcome(session, now, policy, completion, outcome)
                request.state = APPROVED if granted.granted else REFUSED
                result = {"not_preapproved": granted.not_preapproved,
                          "over_budget": granted.over_budget,
                          "held_by": granted.held_by}  # fmt: skip
            elif yes_count + (eligible - cast) < committee.quorum:
                request.state = NOT_YET
            audit.record(
                session, at=now, actor=actor, district_id=district.id,
                subject_type="committee_request", subject_id=request.id,
                action="committee_vote", reason=reason or None,
                details={"vote": "yes" if yes else "not_yet", "state": request.state},
            )  # fmt: skip
            if request.state != OPEN:
                request.decided_at, request.version = now, request.version + 1
                outbox.queue(
                    session, now, key=f"committee-decided:{request.id}",
                    district_id=district.id, person_id=request.teacher_id,
                    kind=NudgeKind.COMMITTEE_DECIDED, subject=f"committee:{request.id}",
                    params={"state": request.state, "pathway": request.pathway_title,
                            "committee": committee.name, "outcome": outcome.value,
                            "kind": outcome.kind.value, "reason": reason,
                            "not_preapproved": list(result.get("not_preapproved", ())),
                            "held_by": result.get("held_by", "")},
                )  # fmt: skip
            return Voted(
                request.id, request.state, yes_count, committee.quorum, teacher.name,
                request.pathway_title, outcome.value, **result,
            )  # fmt: skip


async def _undone(session: AsyncSession, request: CommitteeRequest) -> dict[str, Any]:
    """A decided request whose completion a revocation undid: when, why and what it brought,
    for the member who votes on it afterwards ("already decided" alone hid the undoing)."""
    completion = await session.get(Completion, request.completion_id)
    line = await undone_line(session, completion)
    if line is None:
        return {}
    return {"undone_at": line.undone_at, "cause": line.cause, "detail": line.detail,
            "outcome_kind": line.outcome_kind, "outcome_value": line.outcome_value}  # fmt: skip


def _committee(policy: DistrictPolicy, request: CommitteeRequest) -> Committee:
    named = policy.committee(request.committee)
    return named if named is not None else committee_for(policy, outcome_from_json(request.outcome))
