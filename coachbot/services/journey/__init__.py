"""The journey of one pursuit: the one gate every move goes through, choosing a credential,
pre-approval, work plans, and the tries a teacher has."""

from coachbot.services.journey.approval_records import (
    DecisionRecord,
    RequestRecord,
    approvers_of,
    last_decision,
    last_request,
)
from coachbot.services.journey.approving import ApprovalService, Asked, Decided
from coachbot.services.journey.choosing import ChoosingService, Chosen
from coachbot.services.journey.extensions import Extended, Extensions
from coachbot.services.journey.extra_tries import ExtraTries, ExtraTry, allowed_tries
from coachbot.services.journey.gate import JourneyService, MoveResult, lock_pursuit
from coachbot.services.journey.planning import PlanningService, SavedPlan

__all__ = [
    "ApprovalService",
    "Asked",
    "ChoosingService",
    "Chosen",
    "Decided",
    "DecisionRecord",
    "Extended",
    "Extensions",
    "ExtraTries",
    "ExtraTry",
    "JourneyService",
    "MoveResult",
    "PlanningService",
    "RequestRecord",
    "SavedPlan",
    "allowed_tries",
    "approvers_of",
    "last_decision",
    "last_request",
    "lock_pursuit",
]
