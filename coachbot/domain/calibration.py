"""Calibration (Arkansas): double scoring a share of formal submissions, blind, and measuring
how far reviewers agree.

Which submissions are double-scored: the n-th formal submission of a district is, when
``floor(n * f)`` steps up from ``floor((n - 1) * f)``. Over any run of submissions that is the
district's fraction ``f`` to within one, spread evenly, and the same on every replica (no dice).

Agreement is measured criterion by criterion: each double-scored submission gives one pair of
levels per criterion. Exact agreement is the share of pairs that match; Cohen's kappa corrects
that for the agreement two raters would reach by chance given how often each uses each level:
kappa = (p_o - p_e) / (1 - p_e).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

Pair = tuple[str, str]  # (this reviewer's level, the other reviewer's level)


def double_scored(n: int, fraction: float) -> bool:
    """Whether the district's ``n``-th formal submission (counting from 1) gets a second,
    blind, independent review."""
    if n < 1 or fraction <= 0:
        return False
    share = Fraction(fraction).limit_denominator(10_000)  # 0.1 is exactly one in ten
    return math.floor(n * share) > math.floor((n - 1) * share)


def exact_agreement(pairs: Sequence[Pair]) -> float | None:
    if not pairs:
        return None
    return sum(a == b for a, b in pairs) / len(pairs)


def cohen_kappa(pairs: Sequence[Pair]) -> float | None:
    """Cohen's kappa of the pairs; None when it is undefined (no pairs, or both raters used a
    single and the same level throughout, so chance agreement is already total)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first.keys() | second.keys()) / (n * n)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class DoubleScore:
    """One submission scored by two reviewers independently."""

    first: int  # reviewer ids
    second: int
    first_scores: Mapping[str, str]  # criterion -> level name
    second_scores: Mapping[str, str]

    def pairs(self) -> list[Pair]:
        return [
            (level, self.second_scores[criterion])
            for criterion, level in self.first_scores.items()
            if criterion in self.second_scores
        ]


@dataclass(frozen=True)
class Agreement:
    reviewer_id: int
    submissions: int  # double-scored submissions this reviewer took part in
    pairs: int  # criterion-level pairs
    exact: float | None
    kappa: float | None


def agreement_by_reviewer(scored: Iterable[DoubleScore]) -> list[Agreement]:
    """Each reviewer's exact agreement and kappa against whoever scored the same submissions."""
    pairs: dict[int, list[Pair]] = {}
    submissions: Counter[int] = Counter()
    for item in scored:
        both = item.pairs()
        pairs.setdefault(item.first, []).extend(both)
        pairs.setdefault(item.second, []).extend((b, a) for a, b in both)
        submissions.update((item.first, item.second))
    return [
        Agreement(rid, submissions[rid], len(p), exact_agreement(p), cohen_kappa(p))
        for rid, p in sorted(pairs.items())
    ]


@dataclass(frozen=True)
class Drift:
    """How one reviewer's scores of an anchor differ from the agreed scores."""

    reviewer_id: int
    exact: float  # share of criteria scored exactly as agreed
    lean: float  # mean (their score - agreed score): above 0 lenient, below 0 harsh
    off: tuple[str, ...]  # the criteria they scored differently

    def drifts(self, tolerance: float = 0.75) -> bool:
        return self.exact < tolerance


def drift(
    reviewer_id: int,
    agreed: Mapping[str, str],
    scores: Mapping[str, str],
    level_scores: Mapping[str, Mapping[str, int]],
) -> Drift:
    """``level_scores`` maps criterion -> level name -> its score on the rubric."""
    criteria = [c for c in agreed if c in scores]
    if not criteria:
        return Drift(reviewer_id, 0.0, 0.0, ())
    diffs = [level_scores[c][scores[c]] - level_scores[c][agreed[c]] for c in criteria]
    off = tuple(c for c in criteria if scores[c] != agreed[c])
    return Drift(reviewer_id, 1 - len(off) / len(criteria), sum(diffs) / len(criteria), off)
