"""Pre-approval, each step one unit of work together with the messages it causes.

A teacher's request (their reasons and plan) and every approver's notice of it; an approver's
"approve" or "send back" (with a reason) and the teacher's news of it: each commits in one
transaction with its rows in the outbox, so neither a crash nor a platform error can lose a
message. The dispatcher delivers them, quiet hours allowing (approvers are reached in their own
daytime like everyone else). A press on a request that is no longer waiting (someone else
decided it, or the teacher asked again since) is answered with who decided it and when.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import AlreadyDecided, InvalidInput
from coachbot.domain.journey import Move, State, check_move
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.policy import DistrictPolicy
from coachbot.domain.roles import Actor
from coachbot.services.journey.approval_records import (
    approvers_of,
    last_decision,
    names,
)
from coachbot.services.journey.gate import JourneyService, lock_pursuit
from coachbot.services.ledger.entries import year_of
from coachbot.services.ledger.preapproval import close_vote, vote_to_approve
from coachbot.services.ledger.service import budget_now
from coachbot.services.record import idempotency, outbox
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import District, NudgeRow, Person, Pursuit

# Notices to approvers about one request: pointless once it is decided.
APPROVER_NOTICES = (NudgeKind.APPROVAL_REQUESTED.value, NudgeKind.APPROVAL_WAITING.value)


@dataclass(frozen=True)
class Asked:
    pursuit_id: int
    approvers: int
    replayed: bool = False


@dataclass(frozen=True)
class Decided:
    pursuit_id: int
    decision: str  # approve | send_back | vote (a committee member's yes, short of quorum)
    teacher: str
    title: str
    replayed: bool = False
    yes: int = 0  # with a pre-approval committee: the yes votes so far, and the quorum
    quorum: int = 0


class ApprovalService:
    def __init__(self, db: Database, clock: Clock, journey: JourneyService) -> None:
        self.db = db
        self.clock = clock
        self.journey = journey

    async def request(
        self,
        actor: Actor,
        pursuit_id: int,
        *,
        reasons: str,
        plan: str = "",
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Asked:
        """The teacher asks; every approver's notice (reasons, plan, buttons) commits with it."""
        reasons, plan = reasons.strip(), plan.strip()
        if not reasons:
            raise InvalidInput(field="alignment", hint="alignment_needed")

        async def work(session: AsyncSession) -> dict[str, Any]:
            now = self.clock.now()
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            earlier = await last_decision(session, pursuit.id)
            await self.journey.apply_move(
                session,
                actor,
                pursuit,
                Move.REQUEST_APPROVAL,
                reason=reasons,
                expected_version=expected_version,
                details={"plan": plan},
            )
            teacher, title = await names(session, pursuit)
            params: dict[str, Any] = {
                "pursuit_id": pursuit.id,
                "version": pursuit.version,
                "teacher": teacher,
                "credential": title,
                "reasons": reasons,
                "plan": plan,
                # Asked again after a send-back: the approver sees what was asked for.
                "earlier": [earlier.by, earlier.reason]
                if earlier is not None and earlier.decision == Move.SEND_BACK.value
                else None,
            }
            params["budget"] = await _budget_params(session, pursuit.district_id, now)
            approvers = await approvers_of(session, pursuit)
            for person_id in approvers:
                outbox.queue(
                    session,
                    now,
                    key=f"approval-request:{pursuit.id}:{pursuit.version}:{person_id}",
                    district_id=pursuit.district_id,
                    person_id=person_id,
                    kind=NudgeKind.APPROVAL_REQUESTED,
                    subject=f"pursuit:{pursuit.id}",
                    params=params,
                )
            return {"pursuit_id": pursuit.id, "approvers": len(approvers)}

        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope="approval_request"
        )
        return Asked(outcome["pursuit_id"], outcome["approvers"], replayed)

    async def approve(
        self,
        actor: Actor,
        pursuit_id: int,
        *,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Decided:
        return await self._decide(
            actor, pursuit_id, Move.APPROVE, None, expected_version, idempotency_key
        )

    async def send_back(
        self,
        actor: Actor,
        pursuit_id: int,
        reason: str,
        *,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Decided:
        return await self._decide(
            actor, pursuit_id, Move.SEND_BACK, reason.strip(), expected_version, idempotency_key
        )

    async def check_waiting(
        self, actor: Actor, pursuit_id: int, expected_version: int | None = None
    ) -> None:
        """Before a send-back form opens: raise AlreadyDecided if there is nothing to decide."""
        async with self.db.read() as session:
            pursuit = await session.get(Pursuit, pursuit_id)
            if pursuit is None:
                raise InvalidInput(field="button", hint="stale_value", value=str(pursuit_id))
            await self._still_waiting(session, actor, pursuit, Move.SEND_BACK, expected_version)

    async def _decide(
        self,
        actor: Actor,
        pursuit_id: int,
        move: Move,
        reason: str | None,
        expected_version: int | None,
        idempotency_key: str | None,
    ) -> Decided:
        async def work(session: AsyncSession) -> dict[str, Any]:
            now = self.clock.now()
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            await self._still_waiting(session, actor, pursuit, move, expected_version)
            policy = await _policy(session, pursuit.district_id)
            if policy.preapproval_committee and move is Move.APPROVE:
                teacher, title = await names(session, pursuit)
                tally = await vote_to_approve(session, now, policy, actor, pursuit, title)
                if not tally.reached:  # the member's yes is recorded; nothing else changes
                    return {"pursuit_id": pursuit.id, "decision": "vote", "teacher": teacher,
                            "title": title, "yes": tally.yes, "quorum": tally.quorum}  # fmt: skip
            elif policy.preapproval_committee:
                await close_vote(session, now, pursuit)
            await self.journey.apply_move(
                session, actor, pursuit, move, reason=reason, expected_version=expected_version
            )
            teacher, title = await names(session, pursuit)
            approver = await session.get(Person, actor.person_id) if actor.person_id else None
            # The other approvers' notices that have not gone out yet have nothing to ask now.
            await session.execute(
                update(NudgeRow)
                .where(
                    NudgeRow.subject == f"pursuit:{pursuit.id}",
                    NudgeRow.kind.in_(APPROVER_NOTICES),
                    NudgeRow.status.in_(outbox.UNSENT),
                )
                .values(status="dropped", dropped_reason="stale")
            )
            outbox.queue(
                session,
                now,
                key=f"approval-decided:{pursuit.id}:{pursuit.version}",
                district_id=pursuit.district_id,
                person_id=pursuit.teacher_id,
                kind=NudgeKind.APPROVAL_DECIDED,
                subject=f"approval:{pursuit.id}",
                params={
                    "pursuit_id": pursuit.id,
                    "version": pursuit.version,
                    "decision": move.value,
                    "approver": approver.name if approver else "",
                    "credential": title,
                    "reason": reason or "",
                },
            )
            return {
                "pursuit_id": pursuit.id,
                "decision": move.value,
                "teacher": teacher,
                "title": title,
            }

        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope=f"approval_{move.value}"
        )
        return Decided(**outcome, replayed=replayed)

    async def _still_waiting(
        self,
        session: AsyncSession,
        actor: Actor,
        pursuit: Pursuit,
        move: Move,
        expected_version: int | None,
    ) -> None:
        """Nothing to say if the request the approver saw is still waiting. Otherwise, once it
        is clear they could have decided it (nothing is told to anyone else), say who did."""
        waiting = pursuit.state == State.AWAITING_APPROVAL.value
        if waiting and expected_version in (None, pursuit.version):
            return
        decided = await last_decision(session, pursuit.id)
        if decided is None:
            return  # never decided (withdrawn, or not asked): the gate says what is allowed
        facts = await self.journey.facts(session, pursuit)
        check_move(actor, move, replace(facts, state=State.AWAITING_APPROVAL), "-")
        teacher, title = await names(session, pursuit)
        raise AlreadyDecided(
            decision=decided.decision,
            by=decided.by,
            you=decided.by_id == actor.person_id,
            at=decided.at,
            teacher=teacher,
            credential=title,
            asked_again=waiting,
        )


async def _policy(session: AsyncSession, district_id: int) -> DistrictPolicy:
    district = await session.get(District, district_id)
    assert district is not None
    return policy_from_json(district.policy)


async def _budget_params(session: AsyncSession, district_id: int, now: Any) -> dict[str, Any]:
    """The year's stipend budget left and the forecast, as the approver's notice shows them."""
    district = await session.get(District, district_id)
    assert district is not None
    policy = policy_from_json(district.policy)
    b = await budget_now(session, policy, district_id, year_of(policy, now))
    return {
        "fiscal_year": b.fiscal_year, "budget_cents": b.budget_cents, "left_cents": b.left_cents,
        "spent_cents": b.spent_cents, "in_progress": b.in_progress,
        "completion_rate": b.completion_rate, "forecast_cents": b.forecast_cents,
        "rate_known": b.rate_known, "owed_cents": b.stipends.owed_cents,
        "approved_cents": b.stipends.approved_cents, "paid_cents": b.stipends.paid_cents,
        "to_recover_cents": b.stipends.to_recover_cents,
    }  # fmt: skip
