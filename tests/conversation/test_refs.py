"""Button values are parsed in one place: what ``str`` makes comes back whole, anything else
is a stale button (never a crash, never a different object)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachbot.conversation.refs import ProposedPlan, PursuitRef, ReviewRef
from coachbot.domain.errors import InvalidInput

ids = st.integers(min_value=1, max_value=10**15)


@given(ids, st.one_of(st.none(), st.integers(min_value=0, max_value=10**6)))
def test_a_pursuit_ref_survives_the_round_trip(pursuit_id: int, version: int | None) -> None:
    ref = PursuitRef(pursuit_id, version)
    assert PursuitRef.parse(str(ref)) == ref


@given(ids)
def test_a_review_ref_survives_the_round_trip(review_id: int) -> None:
    assert ReviewRef.parse(str(ReviewRef(review_id))) == ReviewRef(review_id)


@given(ids, st.integers(min_value=0, max_value=99), st.dates())
def test_a_proposed_plan_survives_the_round_trip(pursuit_id: int, version: int, day: date) -> None:
    plan = ProposedPlan(PursuitRef(pursuit_id, version), day)
    assert ProposedPlan.parse(str(plan)) == plan


@pytest.mark.parametrize(
    "value", ["", "1 OR 1=1", "12.", "-3", "12.3.4", "p12.v3", "12|", "1e3", "٣"]
)
def test_a_forged_or_stale_value_is_refused_as_stale(value: str) -> None:
    for parse in (PursuitRef.parse, ReviewRef.parse, ProposedPlan.parse):
        with pytest.raises(InvalidInput) as refused:
            parse(value)
        assert refused.value.params.get("hint") == "stale_value"


def test_a_review_number_is_not_a_pursuit_version() -> None:
    with pytest.raises(InvalidInput):
        ReviewRef.parse("41.2")
    with pytest.raises(InvalidInput):
        ProposedPlan.parse("12.3|next friday")
