"""Read models for the conversation, in one object: the catalog, pursuits and people."""

from __future__ import annotations

from coachbot.services.reading.catalog import CatalogViews
from coachbot.services.reading.journey import JourneyViews
from coachbot.services.reading.people import PeopleViews
from coachbot.services.reading.shapes import (
    AwardSummary,
    CatalogGroup,
    CredentialDetail,
    PursuitRef,
    QueueItem,
)

__all__ = ["AwardSummary", "CatalogGroup", "CredentialDetail", "PursuitRef", "QueueItem", "Views"]


class Views(CatalogViews, JourneyViews, PeopleViews):
    """Every read model the conversation uses."""
