"""The completeness pre-check: what a hand-in still lacks, before a person ever sees it.

BloomBoard needed a human pre-assessor a day just to check that submissions were complete. These
pure rules do that instantly: every required part present, links well-formed and reachable-looking,
reflections within their word counts, files of an allowed type by their content. The self-check
maps the parts to the rubric's criteria so a teacher sees which criteria have no evidence yet.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from coachbot.domain import filetypes
from coachbot.domain.catalog import PartKind, Requirement, Rubric
from coachbot.domain.evidence import EvidencePart, is_web_link

# Names that never reach a reviewer's browser: reserved for documentation and tests (RFC 2606,
# RFC 6761), or only meaningful inside one machine or network.
UNREACHABLE_SUFFIXES = (
    ".example",
    ".test",
    ".invalid",
    ".localhost",
    ".localdomain",
    ".local",
    ".internal",
    ".lan",
    ".home",
    ".corp",
    ".home.arpa",
)


class Problem(StrEnum):
    MISSING = "missing"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    LINK_UNREACHABLE = "link_unreachable"
    FILE_TYPE = "file_type"
    FILE_TYPE_UNKNOWN = "file_type_unknown"
    WRONG_KIND = "wrong_kind"


# What a draft may carry when the teacher sends it on purpose: a short text is work in
# progress; an unreadable file or a wrong kind of part is not usable by anyone, draft or not.
DRAFT_MAY_CARRY = frozenset({Problem.TOO_SHORT})


@dataclass(frozen=True)
class Gap:
    requirement: str
    problem: Problem
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"requirement": self.requirement, "problem": self.problem.value, **self.detail}


def words(text: str | None) -> int:
    return len((text or "").split())


def reachable_looking(url: str) -> bool:
    """A link a reviewer elsewhere could open: http(s), a public-looking host, no password."""
    if not is_web_link(url):
        return False
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.username or parts.password:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        tld = host.rsplit(".", 1)[-1]
        return (
            len(tld) >= 2
            and (tld.isalpha() or tld.startswith("xn--"))
            and not host.endswith(UNREACHABLE_SUFFIXES)
        )
    return address.is_global


def check_part(requirement: Requirement, part: EvidencePart) -> Gap | None:
    """What is wrong with one part as handed in for ``requirement``, or None."""
    name = requirement.name
    if requirement.kind is PartKind.TEXT:
        if part.kind is not PartKind.TEXT:
            return Gap(name, Problem.WRONG_KIND, {"expected": "text", "got": part.kind.value})
        count = words(part.text)
        if requirement.min_words and count < requirement.min_words:
            return Gap(name, Problem.TOO_SHORT, {"words": count, "min": requirement.min_words})
        if requirement.max_words and count > requirement.max_words:
            return Gap(name, Problem.TOO_LONG, {"words": count, "max": requirement.max_words})
        return None
    if part.kind is PartKind.LINK:
        if requirement.kind is PartKind.TEXT:
            return Gap(name, Problem.WRONG_KIND, {"expected": "text", "got": "link"})
        if requirement.kind is PartKind.FILE and requirement.allowed_types:
            # A part naming its file types asks for the file itself, as the basket says.
            types = [filetypes.short_name(t) for t in requirement.allowed_types]
            return Gap(name, Problem.WRONG_KIND, {"expected": "file", "got": "link",
                                                  "allowed": types})  # fmt: skip
        if not reachable_looking(part.url or ""):
            return Gap(name, Problem.LINK_UNREACHABLE, {"url": part.url or ""})
        return None
    if part.kind is PartKind.FILE:
        if requirement.kind is PartKind.LINK:
            return Gap(name, Problem.WRONG_KIND, {"expected": "link", "got": "file"})
        if not requirement.allowed_types:
            return None
        types = [filetypes.short_name(t) for t in requirement.allowed_types]
        if not part.media_type:
            return Gap(name, Problem.FILE_TYPE_UNKNOWN, {"file": part.file_name, "allowed": types})
        if not filetypes.allowed(part.media_type, requirement.allowed_types):
            return Gap(
                name,
                Problem.FILE_TYPE,
                {
                    "file": part.file_name,
                    "found": filetypes.short_name(part.media_type),
                    "allowed": types,
                },
            )
    return None


def missing_detail(requirement: Requirement) -> dict[str, Any]:
    """What to send for a part still missing: its kind, and a file part's types (a part that
    names them takes the file itself, not a link to it)."""
    detail: dict[str, Any] = {"kind": requirement.kind.value}
    if requirement.kind is PartKind.FILE and requirement.allowed_types:
        detail["allowed"] = [filetypes.short_name(t) for t in requirement.allowed_types]
    return detail


def precheck(
    requirements: Iterable[Requirement], parts: Iterable[EvidencePart], *, complete: bool = True
) -> list[Gap]:
    """Every gap in a hand-in, in the credential's order. With ``complete`` (a formal
    submission) a required part that is absent is a gap; a draft may be partial."""
    by_name = {p.requirement: p for p in parts}
    gaps: list[Gap] = []
    for requirement in requirements:
        part = by_name.get(requirement.name)
        if part is None:
            if complete and requirement.required:  # said with what to send for it
                kind = missing_detail(requirement)
                gaps.append(Gap(requirement.name, Problem.MISSING, kind))
            continue
        gap = check_part(requirement, part)
        if gap is not None:
            gaps.append(gap)
    return gaps


@dataclass(frozen=True)
class CriterionCheck:
    """One rubric criterion beside the parts that show it, for a teacher's self-check."""

    criterion: str
    description: str
    passing_level: str
    passing_descriptor: str
    shown_by: tuple[str, ...]  # parts present and in order that evidence this criterion
    lacking: tuple[str, ...]  # required parts for it that are missing, or parts needing a fix

    @property
    def covered(self) -> bool:
        return bool(self.shown_by) and not self.lacking


def self_check(
    requirements: tuple[Requirement, ...], rubric: Rubric, parts: Iterable[EvidencePart]
) -> list[CriterionCheck]:
    """Map each criterion to the parts that evidence it and say which are not there yet.

    A criterion names its parts in the catalog (``evidence``); one that names none is shown by
    every part of the credential.
    """
    present = {p.requirement: p for p in parts}
    ok = {
        r.name for r in requirements if r.name in present and check_part(r, present[r.name]) is None
    }
    names = [r.name for r in requirements]
    optional = {r.name for r in requirements if not r.required}
    checks = []
    for criterion in rubric.criteria:
        wanted = [n for n in names if n in criterion.evidence] or names
        passing = next(lv for lv in criterion.levels if lv.score >= rubric.passing_score)
        checks.append(
            CriterionCheck(
                criterion.name,
                criterion.description,
                passing.name,
                passing.descriptor,
                tuple(n for n in wanted if n in ok),
                tuple(n for n in wanted if n not in ok and (n in present or n not in optional)),
            )
        )
    return checks
