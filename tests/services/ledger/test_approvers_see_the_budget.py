"""Approvers see what saying yes may cost: the year's stipend budget left and a forecast
(stipends of credentials in progress times the district's completion rate), in the request's
notice and in their list of requests."""

from __future__ import annotations

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from tests.helpers import ANA, BEN, SAM, earn, planned
from tests.services.journey.test_approving import asking


async def test_an_approver_sees_the_budget_left_and_a_forecast(district: Services) -> None:
    await earn(district, BEN)  # $200 of the $400 spent; 1 of 1 finished pursuits earned
    await planned(district, ANA)  # C-ONE in progress: $200 x 100%
    await asking(district, ANA)  # C-APPROVE waits for approval (its own currency: no stipend)
    room = LocalDriver(district)
    listed = await room.as_(SAM).command("approvals", "")
    assert "Stipend budget for 2026-27: $200 left of $400" in listed
    assert "Forecast: 2 credentials in progress, at the district's 100% completion rate" in listed
    assert "would add about $200" in listed  # Ana's C-ONE; C-APPROVE carries no stipend
    nudging = build_nudging(district, room)
    await nudging.dispatcher.run_once()
    assert "Stipend budget for 2026-27: $200 left of $400" in room.as_(SAM).last


async def test_before_anything_has_finished_the_forecast_says_what_it_assumes(
    district: Services,
) -> None:
    """No credential has ended yet: no "100% completion rate" that nobody measured."""
    await planned(district, ANA)
    await asking(district, ANA)
    listed = await LocalDriver(district).as_(SAM).command("approvals", "")
    assert "completion rate, would add" not in listed
    assert "if every one is earned (none has finished yet to give a completion rate)" in listed
