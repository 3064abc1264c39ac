"""A teacher whose plan lands in a school break is told, at once, that no reminders go out then."""

from __future__ import annotations

import re
from datetime import date

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.importing.calendar_reader import Break
from tests.helpers import ANA


async def test_a_deadline_in_a_break_gets_a_heads_up(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    # The default plan runs to Tuesday, October 6; the break covers its last two steps.
    await district.calendar.load(
        "testville", [Break("Fall break", date(2026, 9, 28), date(2026, 10, 9))]
    )
    await ana.command("choose", "C-ONE")
    saved = await ana.press("use_plan")
    assert "Your plan for" in saved
    assert "Deadline: *Tuesday, October 6, 2026*" in saved
    assert "your deadline falls in Fall break, and so does 1 other step" in saved
    assert "when I send no reminders" in saved


async def test_a_plan_clear_of_breaks_says_nothing_about_them(district: Services) -> None:
    await district.calendar.load(
        "testville", [Break("Winter break", date(2027, 12, 20), date(2028, 1, 2))]
    )
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    saved = await ana.press("use_plan")
    assert "Your plan for" in saved
    assert not re.search(r"break|Heads-up", saved)
