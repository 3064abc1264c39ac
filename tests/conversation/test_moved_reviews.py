"""A reviewer types ``review N`` for a review that is no longer theirs: they hear that it moved,
to whom and on what day, and that nothing more is needed from them (a trial heard "that's for
its reviewers", as if they had never held it)."""

from __future__ import annotations

from datetime import timedelta

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.services.nudging.sweep import Sweep
from tests.conftest import START
from tests.helpers import ANA, FAY, under_review
from tests.services.routing_world import (
    anns_review_of_tess,
)


async def test_a_review_reassigned_when_late_says_so_to_its_first_reviewer(
    services: Services,
) -> None:
    _, _, review, _ = await anns_review_of_tess(services, reassign_after_days=5)
    services.clock.set(START + timedelta(days=10 + 5, hours=1))  # past the further bound
    await Sweep(services.db, services.clock, services.reviews).run()

    said = await LocalDriver(services).as_("ann@testville.example").say(f"review {review}")
    assert f"Review {review} isn't yours any more" in said
    assert "reassigned to Bo on" in said
    assert f"{services.clock.now():%B} {services.clock.now().day}" in said
    assert "Nothing more is needed from you" in said
    assert "that's for" not in said


async def test_a_review_handed_off_says_to_whom(district: Services) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    fay = LocalDriver(district).as_(FAY)
    handed = await fay.say(f"handoff {review_id} I'm away until Monday")
    said = await fay.say(f"review {review_id}")
    assert "you handed it to Gil Facilitator on September 8, 2026" in said, handed
    assert "Nothing more is needed from you" in said
    assert "that's for" not in said
