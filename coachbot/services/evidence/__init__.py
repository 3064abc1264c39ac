"""Evidence: the draft basket, handing in an immutable version, keeping its files, and who may
look at it (and open its files through links that expire)."""

from coachbot.services.evidence.access import EvidenceAccess, EvidenceView
from coachbot.services.evidence.basket import BasketService, BasketView, SelfCheck
from coachbot.services.evidence.files import EvidenceFile, EvidenceFiles, OpenedFile
from coachbot.services.evidence.hand_in import EvidenceService, HandedIn
from coachbot.services.evidence.keeping import FileKeeper
from coachbot.services.evidence.links import EvidenceLinks, LinkRefused
from coachbot.services.evidence.waiting import WaitingFile, WaitingFiles

__all__ = [
    "BasketService",
    "BasketView",
    "EvidenceAccess",
    "EvidenceFile",
    "EvidenceFiles",
    "EvidenceLinks",
    "EvidenceService",
    "EvidenceView",
    "FileKeeper",
    "HandedIn",
    "LinkRefused",
    "OpenedFile",
    "SelfCheck",
    "WaitingFile",
    "WaitingFiles",
]
