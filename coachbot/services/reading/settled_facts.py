"""The facts about a pursuit that never change, remembered so most checks need no query.

A pursuit's district and its teacher are fixed when it is created (nothing moves a pursuit to
another teacher or district, and pursuits are never deleted), so they are safe to remember in
any process, on any replica, for as long as it runs. Everything that can change (who reviews,
who facilitates the cohort, who approves) is always read fresh. Most checks are a teacher's
button on their own pursuit, or an admin's in their district: answered here, the check adds
microseconds to the turn instead of a database round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from coachbot.domain.roles import Actor, Role


@dataclass(frozen=True)
class SettledPursuit:
    district_id: int
    teacher_id: int


# Relations these facts decide on their own; any other relation needs a read.
DECIDED_HERE = frozenset({"owner", "district_admin"})


class SettledFacts:
    """A bounded memory of settled pursuit facts (oldest forgotten first)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._pursuits: dict[int, SettledPursuit] = {}

    def pursuit(self, pursuit_id: int) -> SettledPursuit | None:
        return self._pursuits.get(pursuit_id)

    def remember(self, pursuit_id: int, district_id: int, teacher_id: int) -> None:
        if pursuit_id in self._pursuits:
            return
        if len(self._pursuits) >= self.capacity:
            del self._pursuits[next(iter(self._pursuits))]
        self._pursuits[pursuit_id] = SettledPursuit(district_id, teacher_id)

    @staticmethod
    def decides(facts: SettledPursuit, actor: Actor, relations: tuple[str, ...]) -> bool | None:
        """True or False when the settled facts answer the check; None when a read is needed
        (a relation that can change was asked, and the settled ones did not already allow)."""
        if facts.district_id != actor.district_id:
            return False
        for relation in relations:
            if relation == "owner" and facts.teacher_id == actor.person_id:
                return True
            if relation == "district_admin" and actor.has_role(Role.DISTRICT_ADMIN):
                return True
        if all(relation in DECIDED_HERE for relation in relations):
            return False
        return None
