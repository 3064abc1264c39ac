"""A cohort's progress shows this fiscal year's stipends from the ledger (owed, approved, paid,
and the district's budget left this fiscal year), by the district's fiscal-year start: an
award on June 30 belongs to the year that ends, one on July 1 to the year that begins."""

from __future__ import annotations

from datetime import date

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.domain.roles import Role
from tests.helpers import ANA, BEN, DEE, FAY, actor, under_review
from tests.services.ledger.test_ledger import JULY_1_MORNING, JUNE_30_EVENING, _award


async def test_progress_shows_this_fiscal_years_stipends_on_each_side_of_july_1(
    district: Services,
) -> None:
    dee = await actor(district, DEE)
    cohort = await district.cohorts.create(dee, "Fall", date(2026, 9, 1), date(2027, 12, 1))
    for email in (ANA, BEN):
        await district.cohorts.add_member(dee, cohort, email, Role.TEACHER)
    ana_review = await under_review(district, ANA, FAY)
    ben_review = await under_review(district, BEN, FAY)
    await _award(district, ana_review, JUNE_30_EVENING)  # 2026-27
    await district.ledger.approve_stipends(dee, dee.district_id or 0, "2026-27")
    room = LocalDriver(district).as_(DEE)
    june = await room.command("progress", "")
    assert (
        "Stipends this fiscal year (2026-27): $0 owed, $200 approved, $0 paid; "
        "budget left this fiscal year: $200 of $400." in june
    )
    await _award(district, ben_review, JULY_1_MORNING)  # 2027-28: Ana's is last year's
    july = await room.command("progress", "")
    assert (
        "Stipends this fiscal year (2027-28): $200 owed, $0 approved, $0 paid; "
        "budget left this fiscal year: $200 of $400." in july
    )
    assert "$400" not in july.replace("of $400", "")  # never both years' stipends together
