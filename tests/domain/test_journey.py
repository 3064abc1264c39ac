"""Every legal and illegal move of the journey, and who may make each one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachbot.domain.errors import MoveNotAllowed, NotPermitted, OwnWork, ReasonRequired
from coachbot.domain.journey import (
    JUDGING_MOVES,
    OPEN_STATES,
    RULES,
    Move,
    Party,
    PursuitFacts,
    State,
    allowed_moves,
    check_move,
)
from coachbot.domain.roles import Actor, Role, RoleGrant

DISTRICT, OTHER_DISTRICT = 1, 2
SCHOOL, OTHER_SCHOOL = 10, 11
TEACHER_ID = 100


def person(pid: int, *grants: RoleGrant, district: int = DISTRICT) -> Actor:
    return Actor(person_id=pid, district_id=district, grants=frozenset(grants), name=f"p{pid}")


OWNER = person(TEACHER_ID, RoleGrant(Role.TEACHER, SCHOOL))
COLLEAGUE = person(101, RoleGrant(Role.TEACHER, SCHOOL))
FACILITATOR = person(102, RoleGrant(Role.TEACHER, SCHOOL), RoleGrant(Role.FACILITATOR))
PRINCIPAL = person(103, RoleGrant(Role.SCHOOL_ADMIN, SCHOOL))
OTHER_PRINCIPAL = person(104, RoleGrant(Role.SCHOOL_ADMIN, OTHER_SCHOOL))
DISTRICT_ADMIN = person(105, RoleGrant(Role.DISTRICT_ADMIN))
FOREIGN_ADMIN = person(106, RoleGrant(Role.DISTRICT_ADMIN), district=OTHER_DISTRICT)
SYSTEM = Actor.system(DISTRICT)

# Which of these people counts as which party for a pursuit owned by OWNER at SCHOOL.
PARTIES: dict[Party, set[Actor]] = {
    Party.OWNER: {OWNER},
    Party.APPROVER: {PRINCIPAL, DISTRICT_ADMIN},
    Party.REVIEWER: {FACILITATOR},
    Party.ADMIN: {PRINCIPAL, DISTRICT_ADMIN},
    Party.SYSTEM: {SYSTEM},
}
EVERYONE = [
    OWNER,
    COLLEAGUE,
    FACILITATOR,
    PRINCIPAL,
    OTHER_PRINCIPAL,
    DISTRICT_ADMIN,
    FOREIGN_ADMIN,
    SYSTEM,
]


def facts(state: State, **kw: object) -> PursuitFacts:
    return PursuitFacts(
        teacher_id=TEACHER_ID, teacher_school_id=SCHOOL, district_id=DISTRICT, state=state, **kw
    )  # type: ignore[arg-type]


LEGAL = [(move, state) for move, rule in RULES.items() for state in sorted(rule.sources)]
ILLEGAL = [
    (move, state) for move, rule in RULES.items() for state in State if state not in rule.sources
]


@pytest.mark.parametrize(("move", "state"), LEGAL)
def test_every_legal_move_reaches_its_target(move: Move, state: State) -> None:
    rule = RULES[move]
    mover = next(iter(PARTIES[sorted(rule.parties)[0]]))
    assert check_move(mover, move, facts(state), reason="because") is rule.target


@pytest.mark.parametrize(("move", "state"), ILLEGAL)
def test_every_illegal_move_says_what_is_allowed_instead(move: Move, state: State) -> None:
    rule = RULES[move]
    mover = next(iter(PARTIES[sorted(rule.parties)[0]]))
    if move in JUDGING_MOVES and mover == OWNER:
        pytest.skip("covered by the own-work tests")
    with pytest.raises(MoveNotAllowed) as caught:
        check_move(mover, move, facts(state), reason="because")
    assert caught.value.params["state"] == state.value
    assert caught.value.params["allowed"] == [m.value for m in allowed_moves(state)]


@pytest.mark.parametrize("move", list(Move))
@pytest.mark.parametrize("who", EVERYONE, ids=lambda a: a.name)
def test_only_the_right_party_may_move(move: Move, who: Actor) -> None:
    rule = RULES[move]
    state = sorted(rule.sources)[0]
    allowed = set().union(*(PARTIES[p] for p in rule.parties))
    if move in JUDGING_MOVES and who == OWNER:
        with pytest.raises(OwnWork):
            check_move(who, move, facts(state), reason="because")
    elif who in allowed:
        assert check_move(who, move, facts(state), reason="because") is rule.target
    else:
        with pytest.raises(NotPermitted):
            check_move(who, move, facts(state), reason="because")


@pytest.mark.parametrize("move", sorted(JUDGING_MOVES))
def test_nobody_judges_their_own_work_whatever_roles_they_hold(move: Move) -> None:
    super_owner = person(
        TEACHER_ID,
        RoleGrant(Role.TEACHER, SCHOOL),
        RoleGrant(Role.FACILITATOR),
        RoleGrant(Role.SCHOOL_ADMIN, SCHOOL),
        RoleGrant(Role.DISTRICT_ADMIN),
    )
    state = sorted(RULES[move].sources)[0]
    with pytest.raises(OwnWork):
        check_move(
            super_owner,
            move,
            facts(state, assigned_reviewer_ids=frozenset({TEACHER_ID})),
            reason="because",
        )


def test_assigned_reviewers_replace_the_open_pool() -> None:
    other_facilitator = person(107, RoleGrant(Role.FACILITATOR))
    assigned = facts(State.UNDER_REVIEW, assigned_reviewer_ids=frozenset({107}))
    assert check_move(other_facilitator, Move.AWARD, assigned) is State.EARNED
    with pytest.raises(NotPermitted):
        check_move(FACILITATOR, Move.AWARD, assigned)


@pytest.mark.parametrize("move", [Move.SEND_BACK, Move.NOT_YET])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_sending_back_and_not_yet_need_a_reason(move: Move, reason: str | None) -> None:
    mover = PRINCIPAL if move is Move.SEND_BACK else FACILITATOR
    with pytest.raises(ReasonRequired):
        check_move(mover, move, facts(sorted(RULES[move].sources)[0]), reason=reason)


def test_approvers_follow_the_district_policy() -> None:
    only_district = facts(State.AWAITING_APPROVAL, approver_roles=frozenset({Role.DISTRICT_ADMIN}))
    with pytest.raises(NotPermitted):
        check_move(PRINCIPAL, Move.APPROVE, only_district)
    assert check_move(DISTRICT_ADMIN, Move.APPROVE, only_district) is State.APPROVED


def test_finished_pursuits_allow_nothing() -> None:
    assert allowed_moves(State.EARNED) == []
    assert allowed_moves(State.WITHDRAWN) == []
    assert all(allowed_moves(s) for s in OPEN_STATES)


@given(st.lists(st.sampled_from(list(Move)), max_size=30))
def test_any_sequence_of_moves_stays_on_the_journey(moves: list[Move]) -> None:
    """Random walks: a move either follows a rule or is refused; earned stays earned."""
    state = State.PROPOSED
    for move in moves:
        rule = RULES[move]
        mover = next(iter(PARTIES[sorted(rule.parties)[0]]))
        try:
            new = check_move(mover, move, facts(state), reason="because")
        except MoveNotAllowed:
            assert state not in rule.sources
            continue
        assert state in rule.sources
        assert new is rule.target
        state = new
    if State.EARNED in {RULES[m].target for m in moves} and state is State.EARNED:
        assert allowed_moves(state) == []
