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
    graduate_credits: float = 0.0  # graduate-equivalent credits per credential

    def plus(self, extra: Currency) -> Currency:
        """This currency with a school's own incentive added (Seminole's schools add points or
        a stipend on top of the district's)."""
        return Currency(
            hours=self.hours + extra.hours,
            points=self.points + extra.points,
            stipend_cents=self.stipend_cents + extra.stipend_cents,
            cpd_units_per=self.cpd_units_per or extra.cpd_units_per,
            graduate_credits=self.graduate_credits + extra.graduate_credits,
        )


@dataclass(frozen=True)
class Committee:
    """People who decide together (Juab's three administrators): named by email, or everyone
    holding ``role``; an outcome is granted when ``quorum`` of them approve."""

    name: str
    members: tuple[str, ...] = ()
    role: Role | None = None
    quorum: int = 1


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
    # What earning brings (the ledger): the fiscal year's first day ("07-01"), the committees,
    # the committee that votes on pre-approval (None: any approver alone), salary advancement
    # only for pre-approved credentials, a stipend cap per teacher per fiscal year, and each
    # school's own incentive added to the district's currency (school code -> currency).
    fiscal_year_starts: str = "07-01"
    committees: tuple[Committee, ...] = ()
    preapproval_committee: str | None = None
    salary_needs_preapproval: bool = False
    stipend_cap_per_teacher_cents: int | None = None
    school_currency: tuple[tuple[str, Currency], ...] = ()

    def committee(self, name: str) -> Committee | None:
        wanted = name.strip().lower()
        return next((c for c in self.committees if c.name.lower() == wanted), None)

    def currency_at(self, base: Currency, school_code: str | None) -> Currency:
        extra = dict(self.school_currency).get(school_code or "")
        return base.plus(extra) if extra is not None else base

    def needs_preapproval(self, credential_code: str) -> bool:
        if not self.preapproval_required:
            return False
        return not self.preapproval_credentials or credential_code in self.preapproval_credentials
