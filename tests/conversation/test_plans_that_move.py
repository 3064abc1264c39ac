"""A plan that moves: a new deadline keeps the steps already done and spreads only the rest
over school days; a deadline too close for the work left says so and offers one that fits; a
deadline that has passed reads as passed, with a button to pick a new one."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.importing.calendar_reader import Break
from tests.helpers import ANA


def _days(text: str) -> list[date]:
    return [
        datetime.strptime(day, "%B %d, %Y").date()
        for day in re.findall(r"- \w+day, (\w+ \d+, 20\d\d)", text)
    ]


async def test_a_new_deadline_keeps_done_steps_and_offers_a_date_that_fits(
    district: Services,
) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    for _ in range(3):
        await ana.command("done")
    proposal = await ana.command("deadline", "sep 15")
    assert "3 steps already done, kept as they are" in proposal
    # twelve hours over five steps leave about five for the last two: too tight by the 15th
    assert "That's tight: about 5 hours of work are left" in proposal
    earliest = "The earliest date that fits is *Friday, September 18, 2026*."
    assert earliest + "\n\nUse it as is" in proposal
    assert [b for b in ana.mailbox.last.blocks if "Use Friday, September 18, 2026 instead"
            in str(b)]
    saved = await ana.press("use_plan", labelled="Keep")
    assert "Deadline: *Tuesday, September 15, 2026*" in saved
    steps = _days(saved)
    assert len(steps) == 2 and len(set(steps)) == 2
    assert all(d.weekday() < 5 and d <= date(2026, 9, 15) for d in steps)
    plan = await ana.command("plan")
    assert len(re.findall(r"^- ", plan, re.MULTILINE)) == 5  # 3 done + 2 to go, not 8

    # the offered date, with a break in the way: steps skip it
    await district.calendar.load(
        "testville", [Break("Fall break", date(2026, 9, 14), date(2026, 9, 18))]
    )
    await ana.command("deadline", "sep 11")
    saved = await ana.press("use_plan", labelled="instead")
    assert "Deadline: *Friday, September 25, 2026*" in saved
    assert all(d.weekday() < 5 and not date(2026, 9, 14) <= d <= date(2026, 9, 18)
               for d in _days(saved))


async def test_a_passed_deadline_reads_as_passed_with_a_way_to_move_it(
    district: Services,
) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    saved = await ana.press("use_plan")
    deadline = datetime.strptime(
        re.findall(r"Deadline: \*\w+day, (\w+ \d+, \d+)\*", saved)[0], "%B %d, %Y"
    ).date()
    district.clock.advance(timedelta(days=(deadline - date(2026, 9, 8)).days + 3))
    status = await ana.command("status")
    assert f"deadline passed on {deadline:%A}, {deadline:%B} {deadline.day}" in status
    form = await ana.press("change_deadline", labelled="Pick a new deadline")
    assert ana.mailbox.forms[-1].form_id == "deadline", form


async def test_moving_the_deadline_when_every_step_is_done_keeps_them_all(
    district: Services,
) -> None:
    """Every step a "done" ticks off, the work not yet handed in: a new deadline is simply
    taken, with only submitting left to spread (it used to fail with "A plan needs at least
    one milestone"). Submitting itself is ticked off only by submitting."""
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    for _ in range(5):
        await ana.command("done")
    proposal = await ana.command("deadline", "oct 30")
    assert "4 steps already done, kept as they are" in proposal
    assert ": Submit formally" in proposal
    saved = await ana.press("use_plan", labelled="Use")
    assert "Deadline: *Friday, October 30, 2026*" in saved
    assert "at least one milestone" not in saved
    plan = await ana.command("plan")
    assert len(re.findall(r"^- ", plan, re.MULTILINE)) == 5
    assert "October 30, 2026" in plan


async def test_a_long_reflection_is_listed_cut_between_words(district: Services) -> None:
    """The basket lists a text part by its start: cut at a word, with an ellipsis (the trial
    read "...to revise their paragrap")."""
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.say(
        "Reflection: my students used the criteria chart to revise their paragraphs twice "
        "before they shared them with a partner"
    )
    listed = await ana.command("draft")
    line = next(x for x in listed.splitlines() if "my students used" in x)
    assert line.endswith("…") and "paragrap…" not in line, line
    assert line.rstrip("…").split()[-1] in "my students used the criteria chart to revise their"
