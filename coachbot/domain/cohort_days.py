"""When a cohort stops taking work: the last day its teachers can hand in, so that a cohort past
it is not offered for joining and a plan is never proposed beyond it."""

from __future__ import annotations

from datetime import date

from coachbot.domain.journey import State
from coachbot.domain.policy import Window

# Work a facilitator or reviewer has had in hand: a teacher who handed any in for a cohort stays
# in it (an admin can move them), so no review loses the cohort it was made in.
HANDED_IN = frozenset({
    State.DRAFT_WITH_FACILITATOR, State.SUBMITTED, State.UNDER_REVIEW, State.NOT_YET, State.EARNED
})  # fmt: skip


def last_day(ends_on: date, own: Window | None, district: Window | None) -> date:
    """The cohort's own window closes it (an admin's ``extend cohort`` moves that day, even past
    the cohort's end); without one, it closes when it ends, or when the district's window
    closes if that is sooner."""
    if own is not None:
        return own.closes_on
    if district is not None:
        return min(ends_on, district.closes_on)
    return ends_on


def window_closed(window: Window | None, today: date) -> bool:
    """No day is left to plan a deadline in: a deadline must be after today, inside the window."""
    return window is not None and window.closes_on <= today
