"""Reviews: who reviews (routing), recording feedback and decisions, the teacher's news of them,
and calibration (blind pairs, third reviewers, anchor exercises)."""

from coachbot.services.reviews.calibration import CalibrationReport, CalibrationService
from coachbot.services.reviews.deciding import Decision, ReviewOutcome
from coachbot.services.reviews.intake import HandIns, Routed
from coachbot.services.reviews.reviewing import ReviewService

__all__ = [
    "CalibrationReport",
    "CalibrationService",
    "Decision",
    "HandIns",
    "ReviewOutcome",
    "ReviewService",
    "Routed",
]
