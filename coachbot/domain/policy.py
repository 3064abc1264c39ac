"""A district's policy: currency, pre-approval, windows, deadlines and the humane-nudge rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import TYPE_CHECKING

from coachbot.domain.reviewer_policy import ReviewerPolicy

if TYPE_CHECKING:
    from coachbot.domain.recognition import RecognitionRule
from coachbot.domain.roles import Role


@dataclass(frozen=True)
class Currency:
    """What one earned credential is worth in a district; any part may be absent."""

    hours: float = 0.0  # in-service hours (Lake County: 4)
    points: float = 0.0  # continuing-education points (Seminole: 6)
    stipend_cents: int = 0  # Juab pilot: $200
    cpd_units_per: int | None = None  # one CPD unit per N credentials (Baltimore: 2)


@dataclass(frozen=True)
class Window:
    opens_on: date
    closes_on: date

    def contains(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on


@dataclass(frozen=True)
class DistrictPolicy:
    timezone: str = "America/New_York"
    currency: Currency = field(default_factory=Currency)
    stipend_budget_cents: int | None = None  # None: no cap
    preapproval_required: bool = False
    preapproval_credentials: tuple[str, ...] = ()  # empty with required=True means every one
    approver_roles: tuple[Role, ...] = (Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)
    submission_window: Window | None = None
    review_deadline_days: int = 14
    quiet_start: time = time(19, 0)
    quiet_end: time = time(7, 30)
    quiet_weekends: bool = True
    nudge_cap_per_week: int = 3
    announcement_channel: str | None = None
    resubmission_limit: int = 3
    peer_review: bool = False
    calibration_fraction: float = 0.0
    reviewers: ReviewerPolicy = field(default_factory=ReviewerPolicy)
    # Credentials earned elsewhere and what each counts as here (domain.recognition).
    recognitions: tuple[RecognitionRule, ...] = ()

    def needs_preapproval(self, credential_code: str) -> bool:
        if not self.preapproval_required:
            return False
        return not self.preapproval_credentials or credential_code in self.preapproval_credentials
