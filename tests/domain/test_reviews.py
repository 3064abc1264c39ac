"""The rules of review purposes and statuses: which end in a decision, which pair up blind,
what an open review's status is. Their values are the strings stored in the database."""

from __future__ import annotations

import pytest

from coachbot.domain.reviews import (
    DECIDING,
    LEFT,
    OPEN,
    PAIRED,
    Decision,
    ReviewPurpose,
    ReviewStatus,
    WaitingOn,
    blind_partner,
    open_status,
)


def test_values_are_the_stored_strings() -> None:
    assert [p.value for p in ReviewPurpose] == [
        "feedback", "official", "peer", "second", "third", "anchor", "exercise",
    ]  # fmt: skip
    assert [s.value for s in ReviewStatus] == [
        "assigned", "scored", "completed", "superseded", "handed_off", "reassigned", "exercise",
    ]  # fmt: skip
    assert [d.value for d in Decision] == ["feedback", "earned", "not_yet"]
    assert [w.value for w in WaitingOn] == ["partner", "third", "exercise"]
    # A member is its string: rows read back as plain strings compare equal.
    assert ReviewStatus("assigned") is ReviewStatus.ASSIGNED
    assert ReviewPurpose.PEER == "peer"
    assert f"{ReviewPurpose.THIRD}" == "third"


def test_only_official_second_and_third_reviews_decide() -> None:
    assert sorted(DECIDING) == ["official", "second", "third"]
    for purpose in ("feedback", "peer", "anchor", "exercise"):
        assert purpose not in DECIDING


def test_an_exercise_waits_in_its_own_status_every_other_review_is_assigned() -> None:
    assert open_status("exercise") is ReviewStatus.EXERCISE
    for purpose in ReviewPurpose:
        if purpose is not ReviewPurpose.EXERCISE:
            assert open_status(purpose) is ReviewStatus.ASSIGNED
    assert {open_status(p) for p in ReviewPurpose} == set(OPEN)


@pytest.mark.parametrize(
    ("purpose", "partner"),
    [("official", "second"), ("second", "official"), ("third", None), ("feedback", None),
     ("peer", None), ("anchor", None), ("exercise", None)],
)  # fmt: skip
def test_the_blind_pair_is_the_official_and_the_second_review(
    purpose: str, partner: str | None
) -> None:
    assert blind_partner(purpose) == partner
    assert (purpose in PAIRED) is (partner is not None)


def test_a_reviewer_who_left_is_not_open() -> None:
    assert set(LEFT) == {"handed_off", "reassigned"}
    assert not set(OPEN) & set(LEFT)
