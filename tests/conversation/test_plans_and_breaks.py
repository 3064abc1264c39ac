"""A teacher whose plan lands in a school break is told, at once, that no reminders go out then."""

from __future__ import annotations

import re
from datetime import date, datetime

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.importing.calendar_reader import Break
from tests.helpers import ANA


async def test_a_suggested_plan_steps_around_a_break(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    # Without the break the plan would run to Tuesday, October 6; the break pushes it past.
    await district.calendar.load(
        "testville", [Break("Fall break", date(2026, 9, 28), date(2026, 10, 9))]
    )
    await ana.command("choose", "C-ONE")
    saved = await ana.press("use_plan")
    assert "Your plan for" in saved
    # ten hours at three a week need 17 school days: the two break weeks are skipped
    assert "Deadline: *Tuesday, October 20, 2026*" in saved
    steps = [
        datetime.strptime(day, "%B %d, %Y").date()
        for day in re.findall(r"- \w+day, (\w+ \d+, 2026)", saved)
    ]
    assert len(steps) >= 3
    assert all(s.weekday() < 5 and not date(2026, 9, 28) <= s <= date(2026, 10, 9) for s in steps)
    assert "Heads-up" not in saved


async def test_a_deadline_typed_into_a_break_gets_a_heads_up(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await district.calendar.load(
        "testville", [Break("Fall break", date(2026, 9, 28), date(2026, 10, 9))]
    )
    await ana.command("choose", "C-ONE")
    await ana.press("edit_plan")
    saved = await ana.submit(
        {"deadline": "2026-10-06", "milestones": "2026-09-24: Plan\n2026-10-06: Submit formally"}
    )
    assert "Deadline: *Tuesday, October 6, 2026*" in saved
    assert "your deadline falls in Fall break" in saved
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
