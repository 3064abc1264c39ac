"""The district's reviewer policy as JSON and back (kept beside codec.py, which calls it)."""

from __future__ import annotations

from typing import Any

from coachbot.domain.reviewer_policy import Conflict, OfficialReviewer, ReviewerPolicy


def reviewers_to_json(policy: ReviewerPolicy) -> dict[str, Any]:
    return {
        "weekly_capacity": policy.weekly_capacity,
        "official": [o.value for o in policy.official],
        "committee": list(policy.committee),
        "designated": {code: list(emails) for code, emails in policy.designated},
        "qualified_only": policy.qualified_only,
        "conflicts": [{"reviewer": c.reviewer, "teacher": c.teacher} for c in policy.conflicts],
        "same_school_conflict": policy.same_school_conflict,
        "reassign_after_days": policy.reassign_after_days,
        "peer_open_limit": policy.peer_open_limit,
    }


def reviewers_from_json(data: dict[str, Any]) -> ReviewerPolicy:
    default = ReviewerPolicy()
    return ReviewerPolicy(
        weekly_capacity=data.get("weekly_capacity"),
        official=tuple(OfficialReviewer(o) for o in data.get("official", ["facilitator"])),
        committee=tuple(data.get("committee", ())),
        designated=tuple(
            (code, tuple(emails)) for code, emails in (data.get("designated") or {}).items()
        ),
        qualified_only=data.get("qualified_only", False),
        conflicts=tuple(Conflict(c["reviewer"], c["teacher"]) for c in data.get("conflicts", ())),
        same_school_conflict=data.get("same_school_conflict", False),
        reassign_after_days=data.get("reassign_after_days", default.reassign_after_days),
        peer_open_limit=data.get("peer_open_limit", default.peer_open_limit),
    )
