"""Turn the JSON columns into domain objects and back, in one place."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from coachbot.domain.catalog import (
    Criterion,
    Level,
    Outcome,
    OutcomeKind,
    PartKind,
    Requirement,
    Rubric,
)
from coachbot.domain.policy import Committee, Currency, DistrictPolicy, Window
from coachbot.domain.recognition import RecognitionRule
from coachbot.domain.roles import Role
from coachbot.storage.codec_reviewers import reviewers_from_json, reviewers_to_json


def policy_to_json(policy: DistrictPolicy) -> dict[str, Any]:
    window = policy.submission_window
    return {
        "timezone": policy.timezone,
        "currency": currency_to_json(policy.currency),
        "stipend_budget_cents": policy.stipend_budget_cents,
        "preapproval_required": policy.preapproval_required,
        "preapproval_credentials": list(policy.preapproval_credentials),
        "approver_roles": [r.value for r in policy.approver_roles],
        "submission_window": (
            {"opens_on": window.opens_on.isoformat(), "closes_on": window.closes_on.isoformat()}
            if window
            else None
        ),
        "review_deadline_days": policy.review_deadline_days,
        "quiet_start": policy.quiet_start.strftime("%H:%M"),
        "quiet_end": policy.quiet_end.strftime("%H:%M"),
        "quiet_weekends": policy.quiet_weekends,
        "nudge_cap_per_week": policy.nudge_cap_per_week,
        "announcement_channel": policy.announcement_channel,
        "resubmission_limit": policy.resubmission_limit,
        "peer_review": policy.peer_review,
        "calibration_fraction": policy.calibration_fraction,
        "reviewers": reviewers_to_json(policy.reviewers),
        "fiscal_year_starts": policy.fiscal_year_starts,
        "committees": [
            {
                "name": c.name,
                "members": list(c.members),
                "role": c.role.value if c.role else None,
                "quorum": c.quorum,
            }
            for c in policy.committees
        ],
        "preapproval_committee": policy.preapproval_committee,
        "salary_needs_preapproval": policy.salary_needs_preapproval,
        "stipend_cap_per_teacher_cents": policy.stipend_cap_per_teacher_cents,
        "school_currency": {code: currency_to_json(c) for code, c in policy.school_currency},
        "recognitions": [
            {
                "issuer": r.issuer,
                "achievement": r.achievement,
                "counts_as": r.counts_as,
                "currency": currency_to_json(r.currency),
            }
            for r in policy.recognitions
        ],
    }


def policy_from_json(data: dict[str, Any]) -> DistrictPolicy:
    window = data.get("submission_window")
    return DistrictPolicy(
        timezone=data["timezone"],
        currency=currency_from_json(data.get("currency") or {}),
        stipend_budget_cents=data.get("stipend_budget_cents"),
        preapproval_required=data.get("preapproval_required", False),
        preapproval_credentials=tuple(data.get("preapproval_credentials", ())),
        approver_roles=tuple(Role(r) for r in data.get("approver_roles", ())),
        submission_window=(
            Window(date.fromisoformat(window["opens_on"]), date.fromisoformat(window["closes_on"]))
            if window
            else None
        ),
        review_deadline_days=data.get("review_deadline_days", 14),
        quiet_start=time.fromisoformat(data.get("quiet_start", "19:00")),
        quiet_end=time.fromisoformat(data.get("quiet_end", "07:30")),
        quiet_weekends=data.get("quiet_weekends", True),
        nudge_cap_per_week=data.get("nudge_cap_per_week", 3),
        announcement_channel=data.get("announcement_channel"),
        resubmission_limit=data.get("resubmission_limit", 3),
        peer_review=data.get("peer_review", False),
        calibration_fraction=data.get("calibration_fraction", 0.0),
        reviewers=reviewers_from_json(data.get("reviewers") or {}),
        fiscal_year_starts=data.get("fiscal_year_starts") or "07-01",
        committees=tuple(
            Committee(
                c["name"],
                tuple(c.get("members") or ()),
                Role(c["role"]) if c.get("role") else None,
                int(c.get("quorum") or 1),
            )
            for c in data.get("committees") or ()
        ),
        preapproval_committee=data.get("preapproval_committee"),
        salary_needs_preapproval=data.get("salary_needs_preapproval", False),
        stipend_cap_per_teacher_cents=data.get("stipend_cap_per_teacher_cents"),
        school_currency=tuple(
            (code, currency_from_json(c)) for code, c in (data.get("school_currency") or {}).items()
        ),
        recognitions=tuple(
            RecognitionRule(
                r["issuer"],
                r["achievement"],
                r["counts_as"],
                currency_from_json(r.get("currency") or {}),
            )
            for r in data.get("recognitions", ())
        ),
    )


def currency_to_json(currency: Currency) -> dict[str, Any]:
    return {
        "hours": currency.hours,
        "points": currency.points,
        "stipend_cents": currency.stipend_cents,
        "cpd_units_per": currency.cpd_units_per,
        "graduate_credits": currency.graduate_credits,
    }


def currency_from_json(data: dict[str, Any]) -> Currency:
    return Currency(
        hours=float(data.get("hours", 0.0)),
        points=float(data.get("points", 0.0)),
        stipend_cents=int(data.get("stipend_cents", 0)),
        cpd_units_per=data.get("cpd_units_per"),
        graduate_credits=float(data.get("graduate_credits", 0.0)),
    )


def requirements_to_json(requirements: tuple[Requirement, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": r.name,
            "kind": r.kind.value,
            "description": r.description,
            "required": r.required,
            "min_words": r.min_words,
            "max_words": r.max_words,
            "allowed_types": list(r.allowed_types),
        }
        for r in requirements
    ]


def requirements_from_json(data: list[dict[str, Any]]) -> tuple[Requirement, ...]:
    return tuple(
        Requirement(
            name=r["name"],
            kind=PartKind(r["kind"]),
            description=r.get("description", ""),
            required=r.get("required", True),
            min_words=r.get("min_words"),
            max_words=r.get("max_words"),
            allowed_types=tuple(r.get("allowed_types", ())),
        )
        for r in data
    )


def rubric_to_json(rubric: Rubric) -> dict[str, Any]:
    return {
        "passing_score": rubric.passing_score,
        "criteria": [
            {
                "name": c.name,
                "description": c.description,
                "evidence": list(c.evidence),
                "levels": [
                    {"name": lv.name, "score": lv.score, "descriptor": lv.descriptor}
                    for lv in c.levels
                ],
            }
            for c in rubric.criteria
        ],
    }


def rubric_from_json(data: dict[str, Any]) -> Rubric:
    return Rubric(
        passing_score=data["passing_score"],
        criteria=tuple(
            Criterion(
                c["name"],
                c.get("description", ""),
                tuple(
                    Level(lv["name"], lv["score"], lv.get("descriptor", "")) for lv in c["levels"]
                ),
                tuple(c.get("evidence", ())),
            )
            for c in data["criteria"]
        ),
    )


def outcome_to_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "kind": outcome.kind.value,
        "value": outcome.value,
        "needs_committee_review": outcome.needs_committee_review,
        "committee": outcome.committee,
    }


def outcome_from_json(data: dict[str, Any]) -> Outcome:
    return Outcome(
        OutcomeKind(data["kind"]),
        data["value"],
        data.get("needs_committee_review", False),
        data.get("committee"),
    )
