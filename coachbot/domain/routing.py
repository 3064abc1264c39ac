"""Choosing a reviewer from pools already found: the rules, free of any storage.

Pools come in order of preference (the cohort's facilitators, then those qualified for the
credential, then the rest, or the official reviewers the district names). The first pool with
anyone eligible wins, and within it the least loaded person: fewest open reviews, then fewest
given this week, then the lowest id so the choice is repeatable. Always picking the least loaded
keeps equally qualified reviewers within one open review of each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Candidate:
    person_id: int
    open_load: int = 0  # reviews assigned and not yet done
    this_week: int = 0  # reviews given to them in the last seven days
    # The oldest of those this week: when it leaves the seven days, capacity frees up.
    oldest_this_week: datetime | None = None


@dataclass(frozen=True)
class Rules:
    teacher_id: int
    excluded: frozenset[int] = frozenset()
    weekly_capacity: int | None = None

    def eligible(self, c: Candidate) -> bool:
        if c.person_id == self.teacher_id or c.person_id in self.excluded:
            return False
        return self.weekly_capacity is None or c.this_week < self.weekly_capacity

    def merely_full(self, c: Candidate) -> bool:
        """Allowed to review, but at the weekly capacity right now."""
        return (
            c.person_id != self.teacher_id
            and c.person_id not in self.excluded
            and not self.eligible(c)
        )


def least_loaded(candidates: Iterable[Candidate]) -> Candidate | None:
    return min(candidates, key=lambda c: (c.open_load, c.this_week, c.person_id), default=None)


def choose(pools: Sequence[Sequence[Candidate]], rules: Rules) -> Candidate | None:
    """The reviewer to give the work to, or None when nobody eligible is free."""
    for pool in pools:
        chosen = least_loaded(c for c in pool if rules.eligible(c))
        if chosen is not None:
            return chosen
    return None


def next_free(pools: Sequence[Sequence[Candidate]], rules: Rules) -> datetime | None:
    """When the first allowed reviewer kept out only by capacity gets room again; None when
    nobody allowed exists at all (then only an admin can help)."""
    times = [
        c.oldest_this_week + WEEK
        for pool in pools
        for c in pool
        if rules.merely_full(c) and c.oldest_this_week is not None
    ]
    return min(times, default=None)
