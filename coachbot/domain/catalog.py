"""The catalog: micro-credentials with their requirements and rubric, stacks and pathways."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from coachbot.domain.errors import InvalidInput


class PartKind(StrEnum):
    TEXT = "text"
    LINK = "link"
    FILE = "file"


@dataclass(frozen=True)
class Requirement:
    """A named part of the evidence a credential asks for (e.g. "Lesson plan", "Reflection")."""

    name: str
    kind: PartKind
    description: str = ""
    required: bool = True
    min_words: int | None = None
    max_words: int | None = None
    allowed_types: tuple[str, ...] = ()  # media types for files, e.g. "application/pdf"


@dataclass(frozen=True)
class Level:
    name: str
    score: int
    descriptor: str = ""


@dataclass(frozen=True)
class Criterion:
    name: str
    description: str
    levels: tuple[Level, ...]
    # The evidence parts (requirement names) that show this criterion; empty means all of them.
    evidence: tuple[str, ...] = ()

    def level(self, name: str) -> Level | None:
        wanted = name.strip().lower()
        return next((lv for lv in self.levels if lv.name.lower() == wanted), None)


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]
    passing_score: int  # every criterion must reach this score for "earned"

    def criterion(self, name: str) -> Criterion | None:
        wanted = name.strip().lower()
        return next((c for c in self.criteria if c.name.lower() == wanted), None)

    def validate_scores(self, scores: Mapping[str, str]) -> dict[str, Level]:
        """Map criterion -> chosen level; every criterion scored once with one of its levels."""
        chosen: dict[str, Level] = {}
        for name, level_name in scores.items():
            criterion = self.criterion(name)
            if criterion is None:
                raise InvalidInput(
                    field="scores", value=name, allowed=[c.name for c in self.criteria]
                )
            level = criterion.level(level_name)
            if level is None:
                raise InvalidInput(
                    field=criterion.name,
                    value=level_name,
                    allowed=[lv.name for lv in criterion.levels],
                )
            chosen[criterion.name] = level
        missing = [c.name for c in self.criteria if c.name not in chosen]
        if missing:
            raise InvalidInput(field="scores", missing=missing)
        return chosen

    def meets_standard(self, scores: Mapping[str, str]) -> bool:
        return all(lv.score >= self.passing_score for lv in self.validate_scores(scores).values())

    def below_standard(self, scores: Mapping[str, str]) -> list[str]:
        return [
            name
            for name, lv in self.validate_scores(scores).items()
            if lv.score < self.passing_score
        ]


@dataclass(frozen=True)
class Credential:
    code: str
    title: str
    competency: str
    requirements: tuple[Requirement, ...]
    rubric: Rubric
    hours_estimate: float
    issuer: str
    description: str = ""
    goals: tuple[str, ...] = ()  # school goals this credential serves, matched to schools' goals
    valid_months: int | None = None  # an earned credential expires after this; None: never


@dataclass(frozen=True)
class Stack:
    code: str
    title: str
    credential_codes: tuple[str, ...]
    description: str = ""

    def is_complete(self, earned: Iterable[str]) -> bool:
        return set(self.credential_codes) <= set(earned)


@dataclass(frozen=True)
class PathwayArea:
    name: str
    credential_codes: tuple[str, ...]
    required_count: int


class OutcomeKind(StrEnum):
    ROLE = "role"  # e.g. completing the facilitator pathway grants the facilitator role
    SALARY_STEP = "salary_step"
    STIPEND = "stipend"
    RECOGNITION = "recognition"


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    value: str  # the role granted, the salary step ("+5%"), the stipend in cents, or a title
    needs_committee_review: bool = False
    committee: str | None = None  # which of the catalog's committees; None: the first one


@dataclass(frozen=True)
class PathwayProgress:
    prerequisite_met: bool
    per_area: tuple[tuple[str, int, int], ...]  # (area, earned in area, required)

    @property
    def complete(self) -> bool:
        return self.prerequisite_met and all(have >= need for _, have, need in self.per_area)


@dataclass(frozen=True)
class Pathway:
    code: str
    title: str
    areas: tuple[PathwayArea, ...]
    outcome: Outcome
    prerequisite_code: str | None = None
    description: str = ""

    def progress(self, earned: Iterable[str]) -> PathwayProgress:
        have = set(earned)
        prerequisite_met = self.prerequisite_code is None or self.prerequisite_code in have
        per_area = tuple(
            (area.name, len(have & set(area.credential_codes)), area.required_count)
            for area in self.areas
        )
        return PathwayProgress(prerequisite_met, per_area)


def code_key(code: str) -> str:
    """A credential code as people type it: "pa2", "PA 2" and "PA-02" are one code. Letters
    and numbers only, case and a number's leading zeros aside."""
    parts = re.findall(r"[A-Za-z]+|[0-9]+", code)
    return "".join(p.upper() if p.isalpha() else str(int(p)) for p in parts)



def near_codes(typed: str, codes: list[str]) -> list[str]:
    """Codes a person may have meant: "10" for PA-10 (the number alone), or a near spelling."""
    key = code_key(typed)
    if key.isdigit():
        return [c for c in codes if re.sub(r"^[A-Z]+", "", code_key(c)) == key][:3]
    keys = {code_key(c): c for c in codes}
    return [keys[k] for k in difflib.get_close_matches(key, list(keys), n=3, cutoff=0.6)]
