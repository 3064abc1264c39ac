"""Read models: what the conversation shows of the catalog, pursuits, people and progress."""

from coachbot.services.reading.approvals import ApprovalRequest
from coachbot.services.reading.feedback import FeedbackRound, PursuitFeedback, Score
from coachbot.services.reading.read_models import ReadModels
from coachbot.services.reading.shapes import (
    AwardSummary,
    CatalogGroup,
    CredentialDetail,
    PursuitSummary,
    QueueItem,
)
from coachbot.services.reading.status import StatusService

__all__ = [
    "ApprovalRequest",
    "AwardSummary",
    "CatalogGroup",
    "CredentialDetail",
    "FeedbackRound",
    "PursuitFeedback",
    "PursuitSummary",
    "QueueItem",
    "ReadModels",
    "Score",
    "StatusService",
]
