"""Every mapped class in one import, for Alembic and for services."""

from coachbot.storage.base import Base
from coachbot.storage.catalog import (
    CredentialRow,
    PathwayArea,
    PathwayAreaCredential,
    PathwayRow,
    StackCredential,
    StackRow,
)
from coachbot.storage.cohorts import Cohort, CohortMember
from coachbot.storage.conversation import DraftItem, PersonSettings
from coachbot.storage.issued import IssuedCredential, IssuerKey, Recognition
from coachbot.storage.ledger import CommitteeRequest, CommitteeVote, LedgerEntry
from coachbot.storage.nudges import NudgeRow, SchoolBreak
from coachbot.storage.people import District, Person, RoleGrantRow, School
from coachbot.storage.platforms import KeptForm, PlatformAccount, WorkspaceLink
from coachbot.storage.pursuits import (
    Award,
    Completion,
    EvidencePartRow,
    EvidenceVersion,
    MilestoneRow,
    Pursuit,
    Review,
    WorkPlan,
)
from coachbot.storage.records import AuditEvent, IdempotencyKey
from coachbot.storage.routing import ReviewerLoad, ReviewWait

__all__ = [
    "AuditEvent",
    "Award",
    "Base",
    "Cohort",
    "CohortMember",
    "CommitteeRequest",
    "CommitteeVote",
    "Completion",
    "CredentialRow",
    "District",
    "DraftItem",
    "EvidencePartRow",
    "EvidenceVersion",
    "IdempotencyKey",
    "IssuedCredential",
    "IssuerKey",
    "KeptForm",
    "LedgerEntry",
    "MilestoneRow",
    "NudgeRow",
    "PathwayArea",
    "PathwayAreaCredential",
    "PathwayRow",
    "Person",
    "PersonSettings",
    "PlatformAccount",
    "Pursuit",
    "Recognition",
    "Review",
    "ReviewWait",
    "ReviewerLoad",
    "RoleGrantRow",
    "School",
    "SchoolBreak",
    "StackCredential",
    "StackRow",
    "WorkPlan",
    "WorkspaceLink",
]
