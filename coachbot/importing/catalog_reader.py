"""Read a catalog file into domain objects, or explain exactly what to fix and where."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from coachbot.domain.catalog import (
    Credential,
    Criterion,
    Level,
    Outcome,
    OutcomeKind,
    Pathway,
    PathwayArea,
    Requirement,
    Rubric,
    Stack,
)
from coachbot.domain.policy import Committee, Currency, DistrictPolicy, Window
from coachbot.domain.recognition import RecognitionRule
from coachbot.importing import located_yaml
from coachbot.importing.catalog_format import (
    CatalogIn,
    CredentialIn,
    CurrencyIn,
    as_plain,
    reference_problems,
)
from coachbot.importing.explain import unreadable, validation_message, yaml_problem
from coachbot.importing.problems import ImportProblems, Problem


@dataclass(frozen=True)
class SchoolSpec:
    code: str
    name: str
    goals: tuple[str, ...]


@dataclass(frozen=True)
class CatalogSpec:
    slug: str
    name: str
    timezone: str
    schools: tuple[SchoolSpec, ...]
    policy: DistrictPolicy
    credentials: tuple[Credential, ...]
    currency_overrides: dict[str, Currency]
    stacks: tuple[Stack, ...]
    pathways: tuple[Pathway, ...]
    website: str | None = None  # the district as an issuer: its site, contact and picture
    email: str | None = None
    image: str | None = None


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def read_catalog(path: Path) -> CatalogSpec:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblems([replace(unreadable(exc, "YAML"), file=name)]) from None
    try:
        raw = located_yaml.load(text)
    except yaml.YAMLError as exc:
        line, fix = yaml_problem(exc)
        raise ImportProblems([Problem(name, line, "", fix)]) from None
    if not isinstance(raw, dict):
        raise ImportProblems(
            [
                Problem(
                    name,
                    1,
                    "",
                    "expected a mapping with district, policy, credentials, stacks and pathways",
                )
            ]
        )
    try:
        catalog = CatalogIn.model_validate(as_plain(raw))
    except ValidationError as exc:
        raise ImportProblems(_explain(name, raw, exc.errors())) from None
    refs = reference_problems(catalog)
    if refs:
        raise ImportProblems(
            [Problem(name, located_yaml.line_of(raw, p), _dotted(p), m) for p, m in refs]
        )
    return _to_spec(catalog)


MISSING = validation_message({"type": "missing"})


def _explain(name: str, raw: object, errors: list[Any]) -> list[Problem]:
    """Turn pydantic's errors into problems; a misspelt field is one problem, not two."""
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    problems, merged = [], set()
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            siblings = [m[-1] for m in missing if m[:-1] == loc[:-1]]
            guess = difflib.get_close_matches(str(loc[-1]), [str(s) for s in siblings], n=1)
            if guess:
                merged.add((*loc[:-1], guess[0]))
                problems.append(
                    Problem(
                        name,
                        located_yaml.line_of(raw, loc),
                        _dotted(loc),
                        f"'{loc[-1]}' is not a field here; did you mean '{guess[0]}'?",
                    )
                )
                continue
        if err["type"] == "missing" and loc in merged:
            continue
        message = validation_message(err)
        problems.append(Problem(name, located_yaml.line_of(raw, loc), _dotted(loc), message))
    # a merged "missing" may have been listed before its misspelling was seen
    return [
        p for p in problems if not (p.message == MISSING and tuple(_undotted(p.where)) in merged)
    ]


def _undotted(where: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in where.replace("[", ".[").split("."):
        if part.startswith("["):
            steps.append(int(part.strip("[]")))
        elif part:
            steps.append(part)
    return steps


def _currency(c: CurrencyIn) -> Currency:
    return Currency(
        hours=c.hours,
        points=c.points,
        stipend_cents=int(c.stipend * 100),
        cpd_units_per=c.cpd_units_per,
        graduate_credits=c.graduate_credits,
    )


def _credential(c: CredentialIn) -> Credential:
    levels = c.rubric.levels
    criteria = tuple(
        Criterion(
            cr.name,
            cr.description,
            tuple(Level(lv, i + 1, cr.descriptors.get(lv, "")) for i, lv in enumerate(levels)),
            tuple(cr.evidence),
        )
        for cr in c.rubric.criteria
    )
    return Credential(
        code=c.code,
        title=c.title,
        competency=c.competency,
        description=c.description,
        issuer=c.issuer,
        hours_estimate=c.hours_estimate,
        goals=tuple(c.goals),
        valid_months=c.valid_months,
        requirements=tuple(
            Requirement(
                r.name,
                r.kind,
                r.description,
                r.required,
                r.min_words,
                r.max_words,
                tuple(r.allowed_types),
            )
            for r in c.requirements
        ),
        rubric=Rubric(criteria, passing_score=levels.index(c.rubric.passing) + 1),
    )


def _to_spec(c: CatalogIn) -> CatalogSpec:
    p = c.policy
    pre = p.preapproval
    return CatalogSpec(
        slug=c.district.slug,
        name=c.district.name,
        timezone=c.district.timezone,
        website=c.district.website,
        email=c.district.email,
        image=c.district.image,
        schools=tuple(SchoolSpec(s.code, s.name, tuple(s.goals)) for s in c.district.schools),
        policy=DistrictPolicy(
            timezone=c.district.timezone,
            currency=_currency(p.currency),
            stipend_budget_cents=None if p.stipend_budget is None else int(p.stipend_budget * 100),
            preapproval_required=pre.required,
            preapproval_credentials=() if pre.credentials == "all" else tuple(pre.credentials),
            approver_roles=tuple(pre.approvers),
            submission_window=(
                Window(p.submission_window.opens, p.submission_window.closes)
                if p.submission_window
                else None
            ),
            review_deadline_days=p.review_deadline_days,
            quiet_start=p.quiet_hours.start,
            quiet_end=p.quiet_hours.end,
            quiet_weekends=p.quiet_hours.weekends,
            nudge_cap_per_week=p.nudge_cap_per_week,
            announcement_channel=p.announcement_channel,
            resubmission_limit=p.resubmission_limit,
            peer_review=p.peer_review,
            calibration_fraction=p.calibration_fraction,
            reviewers=p.reviewers.to_policy(),
            fiscal_year_starts=p.fiscal_year_starts,
            committees=tuple(
                Committee(cm.name, tuple(cm.members), cm.role, cm.quorum) for cm in p.committees
            ),
            preapproval_committee=pre.committee,
            salary_needs_preapproval=p.salary_needs_preapproval,
            stipend_cap_per_teacher_cents=(
                None if p.stipend_cap_per_teacher is None else int(p.stipend_cap_per_teacher * 100)
            ),
            school_currency=tuple((code, _currency(c)) for code, c in p.school_currency.items()),
            recognitions=tuple(
                RecognitionRule(
                    r.issuer.strip(), r.achievement.strip(), r.counts_as, _currency(r.currency)
                )
                for r in p.recognitions
            ),
        ),
        credentials=tuple(_credential(cr) for cr in c.credentials),
        currency_overrides={
            cr.code: _currency(cr.currency) for cr in c.credentials if cr.currency is not None
        },
        stacks=tuple(Stack(s.code, s.title, tuple(s.credentials), s.description) for s in c.stacks),
        pathways=tuple(
            Pathway(
                code=pw.code,
                title=pw.title,
                description=pw.description,
                prerequisite_code=pw.prerequisite,
                areas=tuple(
                    PathwayArea(a.name, tuple(a.credentials), a.required or len(a.credentials))
                    for a in pw.areas
                ),
                outcome=Outcome(
                    OutcomeKind(pw.outcome.kind),
                    pw.outcome.value,
                    pw.outcome.committee_review or pw.outcome.committee is not None,
                    pw.outcome.committee,
                ),
            )
            for pw in c.pathways
        ),
    )
