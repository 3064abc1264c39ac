"""The routing rules, free of storage: whatever the pools, loads and exclusions look like."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coachbot.domain.routing import Candidate, Rules, choose, next_free

PEOPLE = st.integers(min_value=1, max_value=40)
T0 = datetime(2026, 9, 8, 14, 0, tzinfo=UTC)


@st.composite
def candidates(draw: st.DrawFn) -> Candidate:
    week = draw(st.integers(0, 8))
    return Candidate(
        draw(PEOPLE),
        draw(st.integers(0, 12)),
        week,
        T0 - timedelta(hours=draw(st.integers(0, 160))) if week else None,
    )


POOLS = st.lists(st.lists(candidates(), max_size=12), max_size=4)
RULES = st.builds(
    Rules,
    teacher_id=PEOPLE,
    excluded=st.frozensets(PEOPLE, max_size=10),
    weekly_capacity=st.none() | st.integers(1, 8),
)


@given(POOLS, RULES)
def test_never_the_teacher_never_excluded_never_over_capacity(
    pools: list[list[Candidate]], rules: Rules
) -> None:
    chosen = choose(pools, rules)
    if chosen is None:
        assert not any(rules.eligible(c) for pool in pools for c in pool)
        return
    assert chosen.person_id != rules.teacher_id
    assert chosen.person_id not in rules.excluded
    assert rules.weekly_capacity is None or chosen.this_week < rules.weekly_capacity


@given(POOLS, RULES)
def test_the_first_pool_with_anyone_free_wins_and_its_least_loaded(
    pools: list[list[Candidate]], rules: Rules
) -> None:
    chosen = choose(pools, rules)
    first = next((pool for pool in pools if any(rules.eligible(c) for c in pool)), None)
    if first is None:
        assert chosen is None
        return
    assert chosen in first
    assert chosen.open_load == min(c.open_load for c in first if rules.eligible(c))


@given(
    reviewers=st.integers(1, 15),
    items=st.integers(0, 120),
    start_load=st.integers(0, 5),
    capacity=st.none() | st.integers(1, 10),
    teacher=st.integers(1, 15),
)
def test_routing_one_by_one_keeps_equal_reviewers_within_one(
    reviewers: int, items: int, start_load: int, capacity: int | None, teacher: int
) -> None:
    """Equally qualified reviewers who start level stay within one open review of each other,
    and nobody is given more in a week than the capacity."""
    load = dict.fromkeys(range(1, reviewers + 1), start_load)
    week = dict.fromkeys(load, 0)
    rules = Rules(teacher_id=teacher, weekly_capacity=capacity)
    for _ in range(items):
        pool = [Candidate(pid, load[pid], week[pid], T0) for pid in load]
        chosen = choose([pool], rules)
        if chosen is None:  # only when every colleague is full (or there is none)
            assert all(capacity is not None and week[p] >= capacity for p in load if p != teacher)
            break
        load[chosen.person_id] += 1
        week[chosen.person_id] += 1
    others = [load[p] for p in load if p != teacher]
    if others:
        assert max(others) - min(others) <= 1
    assert capacity is None or max(week.values()) <= capacity
    if teacher in load:
        assert load[teacher] == start_load


def test_when_everyone_is_full_the_first_to_free_up_is_named() -> None:
    rules = Rules(teacher_id=99, weekly_capacity=2)
    pools = [
        [Candidate(1, 2, 2, T0 - timedelta(days=2)), Candidate(2, 2, 2, T0 - timedelta(days=5))],
        [Candidate(99, 0, 0), Candidate(3, 0, 2, T0 - timedelta(days=1))],
    ]
    assert choose(pools, rules) is None
    assert next_free(pools, rules) == T0 + timedelta(days=2)  # person 2's oldest leaves the week
    assert next_free([[Candidate(99)]], rules) is None  # only the teacher: nobody will free up
