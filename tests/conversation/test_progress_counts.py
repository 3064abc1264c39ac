"""Progress counts agree: the headline counts teachers, the stages count credentials chosen,
and the words say so when a teacher working on two makes them differ."""

from __future__ import annotations

import re
from datetime import date

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from tests.helpers import ANA, BEN, CARA, DEE, SAM, actor


async def test_progress_says_what_each_number_counts(district: Services) -> None:
    dee = await actor(district, DEE)
    cohort = await district.cohorts.create(dee, "Fall", date(2026, 9, 1), date(2026, 12, 18))
    room = LocalDriver(district)
    await room.as_(DEE).command("cohort", f"add Fall: {ANA}, {BEN}, {CARA}")
    for email, codes in ((ANA, ("C-ONE", "C-TWO")), (BEN, ("C-ONE",))):
        teacher = await actor(district, email)
        for code in codes:
            await district.choosing.choose(teacher, code)
    progress = await room.as_(DEE).command("progress")
    assert "*Fall*: 3 teachers, 2 of them with a credential chosen and 1 yet to choose one" in (
        progress
    ), progress
    assert "3 credentials chosen (a teacher working on two counts twice), 0 earned" in progress
    stages = sum(int(n) for n in re.findall(r"^- [^:]+: (\d+)$", progress, re.MULTILINE))
    assert stages == 3
    assert cohort


async def test_the_district_line_says_how_the_cohorts_lines_relate_to_it(
    district: Services,
) -> None:
    """A trial added the cohorts' teachers and expected the district's: Ana is in two
    cohorts (in both lines), Cara, Fay and Gil are in none (in neither)."""
    dee = await actor(district, DEE)
    await district.cohorts.create(dee, "Fall", date(2026, 9, 1), date(2026, 12, 18))
    await district.cohorts.create(dee, "Spring", date(2027, 1, 11), date(2027, 5, 21))
    room = LocalDriver(district)
    await room.as_(DEE).command("cohort", f"add Fall: {ANA}, {BEN}")
    await room.as_(DEE).command("cohort", f"add Spring: {ANA}")
    progress = await room.as_(DEE).command("progress")
    assert (
        "In the district: 5 teachers; 2 in cohorts (1 in more than one, counted in each cohort"
        " below), 3 in none." in progress
    ), progress
    lines = [int(n) for n in re.findall(r"^\*\w+\*: (\d+) teacher", progress, re.MULTILINE)]
    assert sorted(lines) == [1, 2]  # 3 in all: Ana twice, as the line above says
    # Sam, North's school admin, reads his schools' figure (Ana, Ben and Fay teach at North).
    north = await room.as_(SAM).command("progress")
    assert "In your schools: 3 teachers; 2 in cohorts (1 in more than one" in north, north
