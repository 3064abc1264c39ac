"""Evidence: the draft basket, handing in an immutable version, and who may look at it."""

from coachbot.services.evidence.access import EvidenceAccess, EvidenceView
from coachbot.services.evidence.basket import BasketService, BasketView, SelfCheck
from coachbot.services.evidence.hand_in import EvidenceService, HandedIn

__all__ = [
    "BasketService",
    "BasketView",
    "EvidenceAccess",
    "EvidenceService",
    "EvidenceView",
    "HandedIn",
    "SelfCheck",
]
