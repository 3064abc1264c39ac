"""Read models for the conversation, in one object: the catalog, pursuits, approvals and people.

Queries only: nothing here writes. Handlers reach these as ``turn.read`` and the use cases that
change the record as ``turn.use``.
"""

from __future__ import annotations

from coachbot.services.reading.approvals import ApprovalReads
from coachbot.services.reading.catalog import CatalogReads
from coachbot.services.reading.cohort_choices import CohortChoiceReads
from coachbot.services.reading.feedback import FeedbackReads
from coachbot.services.reading.journey import JourneyReads
from coachbot.services.reading.people import PeopleReads


class ReadModels(
    CatalogReads, JourneyReads, ApprovalReads, PeopleReads, FeedbackReads, CohortChoiceReads
):
    """Every read model the conversation uses."""
