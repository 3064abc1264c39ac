"""A replayed request answers only the person who made it, with their own outcome."""

from __future__ import annotations

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from tests.helpers import ANA, CARA


async def test_one_event_id_from_two_people_is_two_requests(district: Services) -> None:
    driver = LocalDriver(district)
    ana, cara = driver.as_(ANA), driver.as_(CARA)
    for person in (ana, cara):
        await person.command("show", "C-ONE")
    chose_ana = await ana.press("choose", event_id="ev-7")
    chose_cara = await cara.press("choose", event_id="ev-7")
    assert "Here's a plan" in chose_ana
    assert "Here's a plan" in chose_cara  # her own choice, not a replay of Ana's
    assert "Ana" not in chose_cara
    # Ana's own retry of the same press is one choice: answered, not chosen twice.
    await ana.press("choose", event_id="ev-7")
    for person in (ana, cara):
        status = await person.command("status")
        assert status.count("Questioning for Discourse") == 1, person.email
