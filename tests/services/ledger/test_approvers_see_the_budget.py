"""Approvers see what saying yes may cost: the year's stipend budget left and a forecast
(stipends of credentials in progress times the district's completion rate), in the request's
notice and in their list of requests. A school's own incentive is part of the stipend its
teachers would earn; a credential revoked after it was earned does not count as earned."""

from __future__ import annotations

from pathlib import Path

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.importing.catalog_reader import read_catalog
from coachbot.services.ledger.service import Budget
from tests.conftest import FIXTURES
from tests.helpers import ANA, BEN, CARA, SAM, actor, credential_link, earn, planned
from tests.services.journey.test_approving import asking


async def test_an_approver_sees_the_budget_left_and_a_forecast(district: Services) -> None:
    await earn(district, BEN)  # $200 of the $400 spent; 1 of 1 finished pursuits earned
    await planned(district, ANA)  # C-ONE in progress: $200 x 100%
    await asking(district, ANA)  # C-APPROVE waits for approval (its own currency: no stipend)
    room = LocalDriver(district)
    listed = await room.as_(SAM).command("approvals", "")
    assert "Stipends this fiscal year (2026-27): $200 owed, $0 approved, $0 paid" in listed
    assert "budget left this fiscal year: $200 of $400" in listed
    assert "Forecast: 2 credentials in progress, at the district's 100% completion rate" in listed
    assert "would add about $200" in listed  # Ana's C-ONE; C-APPROVE carries no stipend
    nudging = build_nudging(district, room)
    await nudging.dispatcher.run_once()
    assert "budget left this fiscal year: $200 of $400" in room.as_(SAM).last


async def test_before_anything_has_finished_the_forecast_says_what_it_assumes(
    district: Services,
) -> None:
    """No credential has ended yet: no "100% completion rate" that nobody measured."""
    await planned(district, ANA)
    await asking(district, ANA)
    listed = await LocalDriver(district).as_(SAM).command("approvals", "")
    assert "completion rate, would add" not in listed
    assert "if every one is earned (none has finished yet to give a completion rate)" in listed


async def _budget(services: Services) -> Budget:
    return await services.ledger.budget((await actor(services, SAM)).district_id or 0)


async def test_the_forecast_adds_a_schools_own_incentive_where_it_applies(
    district: Services, tmp_path: Path
) -> None:
    text = (FIXTURES / "small_catalog.yaml").read_text()
    policy = "  school_currency:\n    NORTH: {stipend: 50}\n"
    (tmp_path / "c.yaml").write_text(
        text.replace("  resubmission_limit: 3\n", "  resubmission_limit: 3\n" + policy, 1)
    )
    await district.catalog.load(read_catalog(tmp_path / "c.yaml"))
    await planned(district, ANA)  # North Elementary: $200 + North's own $50
    await planned(district, CARA)  # South Middle: the district's $200 only
    budget = await _budget(district)
    assert (budget.in_progress, budget.forecast_cents) == (2, 45000)


async def test_a_revoked_credential_is_not_counted_as_earned_in_the_completion_rate(
    district: Services,
) -> None:
    await earn(district, BEN)
    await earn(district, CARA)
    await planned(district, ANA)
    assert (await _budget(district)).completion_rate == 1.0
    cara = await credential_link(district, CARA)
    await district.credentials.revoke(cara, "awarded in error")
    budget = await _budget(district)
    # Ben's stands, Cara's was taken back: one of two finished credentials earned.
    assert (budget.completion_rate, budget.in_progress, budget.forecast_cents) == (0.5, 1, 10000)
