"""What recording a review comes to, as the reviewer's conversation is told it.

The outcome is stored with the request's idempotency key (as JSON) so that the same request
again replays it; ``to_json`` and ``from_json`` make that round trip give back an equal outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from coachbot.domain.journey import State
from coachbot.domain.reviews import Decision, ReviewPurpose, WaitingOn

SCORES_ONLY: Literal["scored"] = "scored"  # what an anchor exercise records: no decision


@dataclass(frozen=True)
class ReviewOutcome:
    review_id: int
    pursuit_id: int
    decision: Decision | Literal["scored"]  # SCORES_ONLY for an anchor exercise
    state: State  # the pursuit's, after the review
    award_id: int | None = None
    # Set when the decision does not stand yet: the blind partner review is still open, the two
    # disagree and a third reviewer decides, or an anchor exercise (scores only).
    waiting: WaitingOn | None = None
    third: int | None = None  # who decides a disagreement
    purpose: ReviewPurpose = ReviewPurpose.OFFICIAL
    replayed: bool = False

    def to_json(self) -> dict[str, Any]:
        """Everything but ``replayed``, as plain JSON values. ``waiting`` is there only when the
        decision waits, and ``third`` only when it waits for a third reviewer (who may be
        nobody): stored outcomes have always read so."""
        data: dict[str, Any] = {
            "review_id": self.review_id,
            "pursuit_id": self.pursuit_id,
            "award_id": self.award_id,
            "purpose": self.purpose.value,
            "decision": str(self.decision),
            "state": self.state.value,
        }
        if self.waiting is not None:
            data["waiting"] = self.waiting.value
        if self.waiting is WaitingOn.THIRD:
            data["third"] = self.third
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, replayed: bool = False) -> ReviewOutcome:
        """The outcome ``to_json`` stored."""
        decision = data["decision"]
        waiting = data.get("waiting")
        return cls(
            review_id=data["review_id"],
            pursuit_id=data["pursuit_id"],
            decision=SCORES_ONLY if decision == SCORES_ONLY else Decision(decision),
            state=State(data["state"]),
            award_id=data.get("award_id"),
            waiting=WaitingOn(waiting) if waiting is not None else None,
            third=data.get("third"),
            purpose=ReviewPurpose(data.get("purpose", ReviewPurpose.OFFICIAL)),
            replayed=replayed,
        )
