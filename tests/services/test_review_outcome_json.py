"""A recorded review's outcome survives the idempotency store: what ``to_json`` writes reads
back as an equal outcome, in the shape stored outcomes have always had."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from coachbot.domain.journey import State
from coachbot.domain.reviews import Decision, ReviewPurpose, WaitingOn
from coachbot.services.reviews.outcome import SCORES_ONLY, ReviewOutcome

SHAPES = [
    ReviewOutcome(1, 2, Decision.EARNED, State.EARNED, award_id=7),
    ReviewOutcome(1, 2, Decision.FEEDBACK, State.IN_PROGRESS, purpose=ReviewPurpose.FEEDBACK),
    ReviewOutcome(1, 2, Decision.FEEDBACK, State.DRAFT_WITH_FACILITATOR,
                  purpose=ReviewPurpose.PEER),
    ReviewOutcome(1, 2, Decision.NOT_YET, State.UNDER_REVIEW, waiting=WaitingOn.PARTNER),
    ReviewOutcome(1, 2, Decision.EARNED, State.UNDER_REVIEW, waiting=WaitingOn.THIRD, third=9,
                  purpose=ReviewPurpose.SECOND),
    ReviewOutcome(1, 2, Decision.EARNED, State.UNDER_REVIEW, waiting=WaitingOn.THIRD),
    ReviewOutcome(1, 2, SCORES_ONLY, State.EARNED, waiting=WaitingOn.EXERCISE,
                  purpose=ReviewPurpose.EXERCISE),
]  # fmt: skip


@pytest.mark.parametrize("outcome", SHAPES)
def test_a_stored_outcome_replays_equal(outcome: ReviewOutcome) -> None:
    stored = json.loads(json.dumps(outcome.to_json()))
    assert ReviewOutcome.from_json(stored, replayed=True) == replace(outcome, replayed=True)
    assert ReviewOutcome.from_json(stored) == outcome


def test_keys_that_do_not_apply_are_left_out() -> None:
    standing, partner, third, nobody = SHAPES[0], SHAPES[3], SHAPES[4], SHAPES[5]
    assert list(standing.to_json()) == [
        "review_id", "pursuit_id", "award_id", "purpose", "decision", "state",
    ]  # fmt: skip
    assert partner.to_json()["waiting"] == "partner" and "third" not in partner.to_json()
    assert third.to_json()["third"] == 9
    assert nobody.to_json()["third"] is None  # no third reviewer was free: the admins step in
