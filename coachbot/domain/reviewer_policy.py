"""Who may review what in a district: official reviewers, qualifications, conflicts, capacity.

The district names these in its catalog (``policy.reviewers``, see docs/catalog-format.md). People
are named by roster email so the catalog can be written before the roster is imported; routing
resolves them when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OfficialReviewer(StrEnum):
    """Who decides formal submissions, in the order the district prefers them."""

    FACILITATOR = "facilitator"  # the cohort's facilitators, then qualified ones in the district
    COMMITTEE = "committee"  # the people the district lists as its review committee
    SCHOOL_ADMIN = "school_admin"  # the school admins of the teacher's school


@dataclass(frozen=True)
class Conflict:
    """A reviewer who must never review a given teacher (a spouse, a supervisor, a friend)."""

    reviewer: str  # email, lower-case
    teacher: str  # email, lower-case


@dataclass(frozen=True)
class ReviewerPolicy:
    # Most reviews one person is given in any seven days; None: no cap.
    weekly_capacity: int | None = None
    official: tuple[OfficialReviewer, ...] = (OfficialReviewer.FACILITATOR,)
    committee: tuple[str, ...] = ()  # emails
    # Credential code -> emails of facilitators qualified to review it without holding it.
    designated: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # True: beyond the cohort's facilitators, only those qualified for the credential review it.
    # False: when no qualified facilitator is free, any facilitator of the district may.
    qualified_only: bool = False
    conflicts: tuple[Conflict, ...] = ()
    # True: nobody gives the official decision on a colleague from their own school.
    same_school_conflict: bool = False
    # Days after a review's due date when it is given to someone else; None: never.
    reassign_after_days: int | None = 7
    # Peer review: how many open peer reviews one teacher may hold at a time.
    peer_open_limit: int = 2

    def designated_for(self, credential_code: str) -> tuple[str, ...]:
        return next((emails for code, emails in self.designated if code == credential_code), ())

    def conflicted_reviewers(self, teacher_email: str) -> frozenset[str]:
        return frozenset(c.reviewer for c in self.conflicts if c.teacher == teacher_email)
