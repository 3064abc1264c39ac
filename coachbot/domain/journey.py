"""The journey a pursuit (one teacher x one micro-credential) takes, and who may move it.

proposed -> awaiting approval -> approved | sent back -> planning -> in progress
-> draft with facilitator -> submitted -> under review -> earned | not yet (back to work)
and, from any open state, withdrawn.

Every move is a named ``Move``. ``check_move`` is the single gate: it raises a domain error that
says what is allowed instead when the state or the actor is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from coachbot.domain.errors import MoveNotAllowed, NotPermitted, OwnWork, ReasonRequired
from coachbot.domain.roles import Actor, Role


class State(StrEnum):
    PROPOSED = "proposed"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    SENT_BACK = "sent_back"
    PLANNING = "planning"
    IN_PROGRESS = "in_progress"
    DRAFT_WITH_FACILITATOR = "draft_with_facilitator"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    EARNED = "earned"
    NOT_YET = "not_yet"
    WITHDRAWN = "withdrawn"


TERMINAL_STATES = frozenset({State.EARNED, State.WITHDRAWN})
OPEN_STATES = frozenset(State) - TERMINAL_STATES


class Move(StrEnum):
    REQUEST_APPROVAL = "request_approval"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    START_PLANNING = "start_planning"
    START_WORK = "start_work"
    SEND_DRAFT = "send_draft"
    RETURN_DRAFT = "return_draft"
    RECALL_DRAFT = "recall_draft"
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    AWARD = "award"
    NOT_YET = "not_yet"
    RESUME = "resume"
    WITHDRAW = "withdraw"


class Party(StrEnum):
    """Who may make a move, relative to the pursuit."""

    OWNER = "owner"  # the teacher pursuing the credential
    APPROVER = "approver"  # a role the district names for pre-approval
    REVIEWER = "reviewer"  # a facilitator or reviewer assigned to (or eligible for) the evidence
    ADMIN = "admin"  # a district admin, or a school admin of the teacher's school
    SYSTEM = "system"  # CoachBot itself, e.g. when a review is assigned


@dataclass(frozen=True)
class Rule:
    sources: frozenset[State]
    target: State
    parties: frozenset[Party]
    needs_reason: bool = False


def _rule(sources: set[State], target: State, *parties: Party, reason: bool = False) -> Rule:
    return Rule(frozenset(sources), target, frozenset(parties), reason)


S, P = State, Party
RULES: dict[Move, Rule] = {
    Move.REQUEST_APPROVAL: _rule({S.PROPOSED, S.SENT_BACK}, S.AWAITING_APPROVAL, P.OWNER),
    Move.APPROVE: _rule({S.AWAITING_APPROVAL}, S.APPROVED, P.APPROVER),
    Move.SEND_BACK: _rule({S.AWAITING_APPROVAL}, S.SENT_BACK, P.APPROVER, reason=True),
    Move.START_PLANNING: _rule({S.PROPOSED, S.APPROVED}, S.PLANNING, P.OWNER, P.SYSTEM),
    Move.START_WORK: _rule({S.PLANNING}, S.IN_PROGRESS, P.OWNER),
    Move.SEND_DRAFT: _rule({S.IN_PROGRESS, S.NOT_YET}, S.DRAFT_WITH_FACILITATOR, P.OWNER),
    Move.RETURN_DRAFT: _rule({S.DRAFT_WITH_FACILITATOR}, S.IN_PROGRESS, P.REVIEWER),
    Move.RECALL_DRAFT: _rule({S.DRAFT_WITH_FACILITATOR}, S.IN_PROGRESS, P.OWNER),
    Move.SUBMIT: _rule({S.IN_PROGRESS, S.NOT_YET}, S.SUBMITTED, P.OWNER),
    Move.START_REVIEW: _rule({S.SUBMITTED}, S.UNDER_REVIEW, P.REVIEWER, P.SYSTEM),
    Move.AWARD: _rule({S.UNDER_REVIEW}, S.EARNED, P.REVIEWER),
    Move.NOT_YET: _rule({S.UNDER_REVIEW}, S.NOT_YET, P.REVIEWER, reason=True),
    Move.RESUME: _rule({S.NOT_YET}, S.IN_PROGRESS, P.OWNER),
    Move.WITHDRAW: _rule(set(OPEN_STATES), S.WITHDRAWN, P.OWNER, P.ADMIN),
}

# Moves that judge the teacher's work: nobody may make them on their own pursuit, whatever roles
# they hold (a facilitator who is also pursuing a credential still cannot review it).
JUDGING_MOVES = frozenset(
    {Move.APPROVE, Move.SEND_BACK, Move.RETURN_DRAFT, Move.START_REVIEW, Move.AWARD, Move.NOT_YET}
)


@dataclass(frozen=True)
class PursuitFacts:
    """What the rules need to know about a pursuit to judge a move."""

    teacher_id: int
    teacher_school_id: int | None
    district_id: int
    state: State
    approver_roles: frozenset[Role] = frozenset({Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN})
    # People currently assigned to review this pursuit's evidence. Empty means "not yet routed",
    # and then any facilitator of the district may pick it up.
    assigned_reviewer_ids: frozenset[int] = field(default_factory=frozenset)


def allowed_moves(state: State) -> list[Move]:
    """The moves the journey allows from ``state``, in journey order."""
    return [move for move, rule in RULES.items() if state in rule.sources]


def _is_party(actor: Actor, party: Party, facts: PursuitFacts) -> bool:
    if actor.is_system:
        return party is Party.SYSTEM
    if actor.district_id != facts.district_id:
        return False
    if party is Party.OWNER:
        return actor.person_id == facts.teacher_id
    if party is Party.ADMIN:
        return actor.is_admin_for(facts.teacher_school_id)
    if party is Party.APPROVER:
        return any(
            actor.has_role(role, school_id=facts.teacher_school_id) for role in facts.approver_roles
        )
    if party is Party.REVIEWER:
        if facts.assigned_reviewer_ids:
            return actor.person_id in facts.assigned_reviewer_ids
        return actor.has_role(Role.FACILITATOR, anywhere=True)
    return False


def check_move(actor: Actor, move: Move, facts: PursuitFacts, reason: str | None = None) -> State:
    """Return the state ``move`` leads to, or raise a domain error that says what to do instead."""
    rule = RULES[move]
    if move in JUDGING_MOVES and not actor.is_system and actor.person_id == facts.teacher_id:
        raise OwnWork(move=move.value)
    if facts.state not in rule.sources:
        raise MoveNotAllowed(
            move=move.value,
            state=facts.state.value,
            allowed=[m.value for m in allowed_moves(facts.state)],
        )
    if not any(_is_party(actor, party, facts) for party in rule.parties):
        raise NotPermitted(move=move.value, parties=sorted(p.value for p in rule.parties))
    if rule.needs_reason and not (reason and reason.strip()):
        raise ReasonRequired(move=move.value)
    return rule.target
