"""Read models for the conversation, in one object: the catalog, pursuits and people."""

from __future__ import annotations

from coachbot.services.views_catalog import CatalogViews
from coachbot.services.views_journey import JourneyViews
from coachbot.services.views_people import PeopleViews
from coachbot.services.views_shared import (
    AwardSummary,
    CatalogGroup,
    CredentialDetail,
    PursuitRef,
    QueueItem,
)

__all__ = ["AwardSummary", "CatalogGroup", "CredentialDetail", "PursuitRef", "QueueItem", "Views"]


class Views(CatalogViews, JourneyViews, PeopleViews):
    """Every read model the conversation uses."""
