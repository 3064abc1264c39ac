"""The journey of one pursuit: the one gate every move goes through, choosing a credential,
work plans, and the tries a teacher has."""

from coachbot.services.journey.choosing import ChoosingService, Chosen
from coachbot.services.journey.extra_tries import ExtraTries, ExtraTry, allowed_tries
from coachbot.services.journey.gate import JourneyService, MoveResult, lock_pursuit
from coachbot.services.journey.planning import PlanningService, SavedPlan

__all__ = [
    "ChoosingService",
    "Chosen",
    "ExtraTries",
    "ExtraTry",
    "JourneyService",
    "MoveResult",
    "PlanningService",
    "SavedPlan",
    "allowed_tries",
    "lock_pursuit",
]
