"""A submission window with no day left in it: said plainly, with whom to ask for more time,
instead of a plan whose deadline could never be saved (a trial was offered one, and then told
the date it had proposed was outside the window)."""

from __future__ import annotations

import re
from datetime import date

from coachbot.conversation.dates import spoken
from coachbot.conversation.turn import Turn
from coachbot.domain.cohort_days import window_closed
from coachbot.domain.policy import Window


async def said_closed(
    turn: Turn, pursuit_id: int, words: str = "", day: date | None = None
) -> bool:
    """True (and the teacher told) if the credential's window leaves no day to plan a deadline
    in; ``words`` and ``day`` are a deadline as typed and as read, echoed back."""
    window = await turn.read.window(pursuit_id)
    today = turn.today()
    if window is None or not window_closed(window, today):
        return False
    summary = await turn.read.pursuit(pursuit_id)
    cohort = await turn.read.pursuit_cohort(pursuit_id)
    choices = await turn.read.cohort_choices(turn.me.person_id, today)
    # Leaving is offered only when it would be taken: nothing handed in for the cohort.
    leavable = any(n == cohort and c not in choices.handed_in for c, n in choices.mine)
    other = other_year(words, day, window) if day else None
    await turn.answer(
        "plan.j2", "window_closed", title=summary.title, code=summary.code,
        closed=spoken(window.closes_on), closes_today=window.closes_on == today, cohort=cohort,
        cohorts=[n for _, n in choices.open], alone=choices.alone, leavable=leavable,
        words=words.strip(),
        day=spoken(day) if day else None, other=spoken(other) if other else None,
    )  # fmt: skip
    return True


def other_year(words: str, day: date, window: Window) -> date | None:
    """The same month and day in the year before or after, if that one is inside the window
    and no year was typed: "Jan 20" read as next January when this one was meant."""
    if re.search(r"\b\d{4}\b", words):
        return None
    for year in (day.year - 1, day.year + 1):
        try:
            moved = day.replace(year=year)
        except ValueError:  # February 29
            continue
        if window.contains(moved):
            return moved
    return None
