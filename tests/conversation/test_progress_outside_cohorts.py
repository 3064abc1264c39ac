"""A district's ``progress`` covers work done outside any cohort: a trial's admin watched $200
leave the budget while every line stayed the same (no cohort was open, so a teacher worked on
her own; her pursuit, her "not yet" and her award were in no line)."""

from __future__ import annotations

from datetime import date

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.domain.roles import Role
from coachbot.services.reviews.reviewing import Decision
from tests.helpers import ANA, BELOW, BEN, CARA, DEE, FAY, GIL, PASSING, SAM, actor, under_review


def _outside(progress: str) -> str:
    assert "*Outside any cohort*" in progress, progress
    return progress[progress.index("*Outside any cohort*") :]


async def test_progress_names_the_work_done_outside_any_cohort_and_its_stipends(
    district: Services,
) -> None:
    dee = await actor(district, DEE)
    fall = await district.cohorts.create(dee, "Fall", date(2026, 9, 1), date(2027, 12, 1))
    await district.cohorts.add_member(dee, fall, ANA, Role.TEACHER)
    room = LocalDriver(district)
    fay = await actor(district, FAY)
    # Ana earns hers in Fall; Ben earns his on his own; Cara, on her own too, hears "not yet".
    for email in (ANA, BEN):
        _, review = await under_review(district, email, FAY)
        await district.reviews.record(fay, review, Decision.EARNED, PASSING)
    _, review = await under_review(district, CARA, FAY)
    await district.reviews.record(
        fay, review, Decision.NOT_YET, BELOW, feedback="Add two work samples."
    )

    progress = await room.as_(DEE).command("progress")
    assert "Work outside any cohort has its own line below." in progress
    alone = _outside(progress)
    assert alone.startswith(
        "*Outside any cohort*: 2 teachers working on their own, 2 credentials chosen, 1 earned."
    ), alone
    assert "- Earned: 1" in alone
    assert "- Not yet: revise and resubmit: 1" in alone
    # Ben's $200 is named, so Fall's and this line add up to what the budget lost.
    assert "$200 owed, $0 approved, $0 paid; budget left this fiscal year: $0 of $400." in alone
    fall_part = progress[progress.index("*Fall*") : progress.index("*Outside any cohort*")]
    assert "1 credential chosen, 1 earned" in fall_part
    assert "$200 owed" in fall_part
    # Sam, North's school admin, reads his schools' teachers only (Ben, not Cara).
    north = _outside(await room.as_(SAM).command("progress"))
    assert north.startswith(
        "*Outside any cohort*: 1 teacher working on their own, 1 credential chosen, 1 earned."
    ), north
    # One cohort asked for by name is that cohort alone.
    assert "Outside any cohort" not in await room.as_(DEE).command("progress", "Fall")


async def test_with_no_cohort_at_all_progress_still_shows_the_work_on_their_own(
    district: Services,
) -> None:
    _, review = await under_review(district, BEN, FAY)
    await district.reviews.record(await actor(district, FAY), review, Decision.EARNED, PASSING)
    progress = await LocalDriver(district).as_(DEE).command("progress")
    assert progress.startswith("There are no cohorts yet.\n*Outside any cohort*: 1 teacher"), (
        progress
    )
    assert "$200 owed" in progress


async def test_a_facilitator_reads_only_cohorts(district: Services) -> None:
    """Outside work has no facilitator: it is the leaders' view, not a facilitator's."""
    dee = await actor(district, DEE)
    fall = await district.cohorts.create(dee, "Fall", date(2026, 9, 1), date(2027, 12, 1))
    await district.cohorts.add_member(dee, fall, GIL, Role.FACILITATOR)
    await under_review(district, BEN, FAY)
    assert "Outside any cohort" not in await LocalDriver(district).as_(GIL).command("progress")
