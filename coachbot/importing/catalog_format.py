"""The YAML catalog format (documented in docs/catalog-format.md) as pydantic models.

A catalog file describes one district: its schools, its policy, its credentials, stacks and
pathways. ``parse_catalog`` returns domain objects or a list of ``CatalogProblem`` that each name
the file, the line and the fix.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from coachbot.domain.catalog import PartKind
from coachbot.domain.roles import Role
from coachbot.importing.reviewers_format import ReviewersIn

Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
    ),
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"'{name}' is not a time zone; use an IANA name such as America/Chicago"
        ) from None
    return name


class SchoolIn(Strict):
    code: Code
    name: Title
    goals: list[Title] = []


class DistrictIn(Strict):
    slug: Code
    name: Title
    timezone: str
    schools: list[SchoolIn] = Field(min_length=1)
    # The district as an issuer of credentials (in each credential's issuer Profile).
    website: str | None = Field(default=None, pattern=r"^https?://\S+$")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    image: str | None = Field(default=None, pattern=r"^https?://\S+$")

    _tz = field_validator("timezone")(_check_timezone)


class CurrencyIn(Strict):
    hours: float = Field(default=0, ge=0)
    points: float = Field(default=0, ge=0)
    stipend: Money = Decimal(0)  # dollars, e.g. 200.00
    cpd_units_per: int | None = Field(default=None, ge=1)
    graduate_credits: float = Field(default=0, ge=0)


class PreapprovalIn(Strict):
    required: bool = False
    credentials: Literal["all"] | list[Code] = "all"
    approvers: list[Role] = [Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN]
    committee: Title | None = None  # a committee votes instead of one approver deciding


class CommitteeIn(Strict):
    name: Title
    members: list[str] = []  # emails on the roster
    role: Role | None = None  # or everyone holding this role
    quorum: int = Field(default=1, ge=1, le=50)

    @model_validator(mode="after")
    def _who(self) -> CommitteeIn:
        if not self.members and self.role is None:
            raise ValueError("a committee needs members (emails) or a role")
        if self.members and self.quorum > len(self.members):
            raise ValueError("the quorum is larger than the committee; lower it or add members")
        return self


class WindowIn(Strict):
    opens: dt.date
    closes: dt.date

    @field_validator("closes")
    @classmethod
    def _ordered(cls, closes: dt.date, info: ValidationInfo) -> dt.date:
        opens = info.data.get("opens")
        if opens is not None and closes < opens:
            raise ValueError("the window closes before it opens; swap 'opens' and 'closes'")
        return closes


class QuietHoursIn(Strict):
    start: dt.time = dt.time(19, 0)
    end: dt.time = dt.time(7, 30)
    weekends: bool = True


class RecognitionIn(Strict):
    """A credential earned elsewhere (by issuer and achievement) and what it counts as here."""

    issuer: str = Field(min_length=3)  # the outside issuer's id (a URL or a did:)
    achievement: str = Field(min_length=1)  # its achievement's id or name
    counts_as: Code
    currency: CurrencyIn = CurrencyIn()  # what it brings here: by default nothing


class PolicyIn(Strict):
    currency: CurrencyIn = CurrencyIn()
    stipend_budget: Money | None = None
    preapproval: PreapprovalIn = PreapprovalIn()
    submission_window: WindowIn | None = None
    review_deadline_days: int = Field(default=14, ge=1, le=120)
    quiet_hours: QuietHoursIn = QuietHoursIn()
    nudge_cap_per_week: int = Field(default=3, ge=0, le=50)
    announcement_channel: str | None = None
    resubmission_limit: int = Field(default=3, ge=1, le=20)
    peer_review: bool = False
    calibration_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    reviewers: ReviewersIn = ReviewersIn()
    fiscal_year_starts: str = Field(
        default="07-01", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    )
    committees: list[CommitteeIn] = []
    salary_needs_preapproval: bool = False
    stipend_cap_per_teacher: Money | None = None
    school_currency: dict[Code, CurrencyIn] = {}
    recognitions: list[RecognitionIn] = []


class RequirementIn(Strict):
    name: Title
    kind: PartKind
    description: str = ""
    required: bool = True
    min_words: int | None = Field(default=None, ge=1)
    max_words: int | None = Field(default=None, ge=1)
    allowed_types: list[str] = []

    @model_validator(mode="after")
    def _words(self) -> RequirementIn:
        if self.min_words and self.max_words and self.min_words > self.max_words:
            raise ValueError("min_words is larger than max_words")
        if (self.min_words or self.max_words) and self.kind is not PartKind.TEXT:
            raise ValueError("min_words and max_words apply to text parts only")
        return self


class CriterionIn(Strict):
    name: Title
    description: str = ""
    descriptors: dict[str, str] = {}  # level name -> what that level looks like here
    evidence: list[Title] = []  # the requirement names that show this criterion; empty: all


class RubricIn(Strict):
    levels: list[Title] = Field(min_length=2)  # lowest first; scored 1, 2, 3...
    passing: Title  # the lowest level that counts as proficient
    criteria: list[CriterionIn] = Field(min_length=1)

    @field_validator("passing")
    @classmethod
    def _passing_is_a_level(cls, passing: str, info: ValidationInfo) -> str:
        levels = info.data.get("levels")
        if levels is not None and passing not in levels:
            raise ValueError(
                f"passing level '{passing}' is not one of the levels "
                f"({', '.join(levels)}); use one of those names"
            )
        return passing

    @field_validator("criteria")
    @classmethod
    def _descriptors_use_levels(
        cls, criteria: list[CriterionIn], info: ValidationInfo
    ) -> list[CriterionIn]:
        levels = set(info.data.get("levels") or ())
        for criterion in criteria:
            unknown = set(criterion.descriptors) - levels
            if levels and unknown:
                raise ValueError(
                    f"criterion '{criterion.name}' describes unknown level(s) "
                    f"{', '.join(sorted(unknown))}; use the rubric's levels"
                )
        return criteria


class CredentialIn(Strict):
    code: Code
    title: Title
    competency: str = Field(min_length=1)
    description: str = ""
    issuer: Title
    hours_estimate: float = Field(gt=0, le=200)
    goals: list[Title] = []
    currency: CurrencyIn | None = None  # overrides the district's currency for this credential
    valid_months: int | None = Field(default=None, ge=1, le=600)  # expiry of what is earned
    requirements: list[RequirementIn] = Field(min_length=1)
    rubric: RubricIn


class StackIn(Strict):
    code: Code
    title: Title
    description: str = ""
    credentials: list[Code] = Field(min_length=2)


class AreaIn(Strict):
    name: Title
    credentials: list[Code] = Field(min_length=1)
    required: int | None = Field(default=None, ge=1)  # default: all of them

    @field_validator("required")
    @classmethod
    def _count(cls, required: int | None, info: ValidationInfo) -> int | None:
        listed = info.data.get("credentials")
        if required is not None and listed is not None and required > len(listed):
            raise ValueError(
                f"this area requires {required} but lists only {len(listed)} credentials"
            )
        return required


class OutcomeIn(Strict):
    kind: Literal["role", "salary_step", "stipend", "recognition"]
    value: str
    committee_review: bool = False
    committee: Title | None = None  # one of the catalog's committees (default: the first)


class PathwayIn(Strict):
    code: Code
    title: Title
    description: str = ""
    prerequisite: Code | None = None
    areas: list[AreaIn] = Field(min_length=1)
    outcome: OutcomeIn


class CatalogIn(Strict):
    district: DistrictIn
    policy: PolicyIn = PolicyIn()
    credentials: list[CredentialIn] = Field(min_length=1)
    stacks: list[StackIn] = []
    pathways: list[PathwayIn] = []


def reference_problems(catalog: CatalogIn) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-references pydantic cannot see: unknown or duplicate codes. (path, message) pairs."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    known: set[str] = set()
    for i, cred in enumerate(catalog.credentials):
        if cred.code in known:
            problems.append(
                (
                    ("credentials", i, "code"),
                    f"credential code '{cred.code}' appears twice; give each a new code",
                )
            )
        known.add(cred.code)

    def check(path: tuple[str | int, ...], code: str) -> None:
        if code not in known:
            problems.append(
                (
                    path,
                    f"'{code}' is not a credential in this file; "
                    "add it under credentials or fix the code",
                )
            )

    committees = [c.name.lower() for c in catalog.policy.committees]
    named = [
        (("pathways", i, "outcome", "committee"), p.outcome.committee)
        for i, p in enumerate(catalog.pathways)
    ] + [(("policy", "preapproval", "committee"), catalog.policy.preapproval.committee)]
    for path, name in named:
        if name is not None and name.lower() not in committees:
            listed = ", ".join(c.name for c in catalog.policy.committees) or "none yet"
            problems.append(
                (path, f"'{name}' is not one of policy.committees ({listed}); add it there "
                       "or fix the name")
            )  # fmt: skip
    for i, stack in enumerate(catalog.stacks):
        for j, code in enumerate(stack.credentials):
            check(("stacks", i, "credentials", j), code)
    for i, pathway in enumerate(catalog.pathways):
        if pathway.prerequisite:
            check(("pathways", i, "prerequisite"), pathway.prerequisite)
        for a, area in enumerate(pathway.areas):
            for j, code in enumerate(area.credentials):
                check(("pathways", i, "areas", a, "credentials", j), code)
    for i, cred in enumerate(catalog.credentials):
        parts = {r.name for r in cred.requirements}
        for c, criterion in enumerate(cred.rubric.criteria):
            for j, name in enumerate(criterion.evidence):
                if name not in parts:
                    problems.append(
                        (
                            ("credentials", i, "rubric", "criteria", c, "evidence", j),
                            f"'{name}' is not one of this credential's requirements "
                            f"({', '.join(sorted(parts))}); use a requirement's name",
                        )
                    )
    if isinstance(catalog.policy.preapproval.credentials, list):
        for j, code in enumerate(catalog.policy.preapproval.credentials):
            check(("policy", "preapproval", "credentials", j), code)
    for j, rule in enumerate(catalog.policy.recognitions):
        check(("policy", "recognitions", j, "counts_as"), rule.counts_as)
    for code in catalog.policy.reviewers.designated:
        check(("policy", "reviewers", "designated", code), code)
    schools = [s.code for s in catalog.district.schools]
    for i, code in enumerate(schools):
        if schools.index(code) != i:
            problems.append(
                (
                    ("district", "schools", i, "code"),
                    f"school code '{code}' appears twice; give each school its own code",
                )
            )
    return problems


def as_plain(value: Any) -> Any:
    """Strip the line bookkeeping so pydantic sees plain dicts and lists."""
    if isinstance(value, dict):
        return {k: as_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_plain(v) for v in value]
    return value
