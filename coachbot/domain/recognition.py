"""Credentials earned elsewhere, and what a district's policy says each counts as here.

A rule names an outside issuer (its id: a URL or a ``did:``) and an achievement (its id, or its
name as the credential gives it), the local credential it counts as (toward stacks and pathway
prerequisites), and the currency it brings, which is often none: the district paid nothing
for it. A recognised credential is never an award: it is recorded as recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coachbot.domain.policy import Currency


@dataclass(frozen=True)
class RecognitionRule:
    issuer: str  # the outside issuer's id, exactly as its credentials name it
    achievement: str  # the achievement's id, or its name (compared without case)
    counts_as: str  # a local credential's code
    currency: Currency = field(default_factory=Currency)  # usually nothing

    def matches(self, issuer: str, achievement_id: str, achievement_name: str) -> bool:
        wanted = self.achievement.strip().casefold()
        return self.issuer.rstrip("/") == issuer.rstrip("/") and wanted in (
            achievement_id.strip().casefold(),
            achievement_name.strip().casefold(),
        )


def rule_for(
    rules: tuple[RecognitionRule, ...], issuer: str, achievement_id: str, achievement_name: str
) -> RecognitionRule | None:
    """The first rule that recognises this achievement from this issuer, if any."""
    return next((r for r in rules if r.matches(issuer, achievement_id, achievement_name)), None)
