"""The humane rules, on a virtual clock: quiet hours across both DST changes in several US zones,
weekends, breaks, the weekly cap with priority, snooze and mute."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachbot.domain.nudges import Candidate, NudgeKind, PersonChoices, QuietRules, choose

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
]
# Around both 2026 DST changes (March 8 and November 1) and ordinary days between.
INSTANTS = st.datetimes(
    min_value=datetime(2026, 3, 1), max_value=datetime(2026, 11, 15), timezones=st.just(UTC)
)
AROUND_DST = st.sampled_from([datetime(2026, 3, 8), datetime(2026, 11, 1)]).flatmap(
    lambda day: st.integers(-36 * 60, 60 * 60).map(
        lambda minutes: (day + timedelta(minutes=minutes)).replace(tzinfo=UTC)
    )
)


@settings(max_examples=300)
@given(zone=st.sampled_from(ZONES), instant=st.one_of(INSTANTS, AROUND_DST), weekends=st.booleans())
def test_the_next_allowed_moment_is_never_quiet_and_never_early(
    zone: str, instant: datetime, weekends: bool
) -> None:
    rules = QuietRules(zone, quiet_weekends=weekends)
    allowed = rules.next_allowed(instant)
    assert allowed >= instant
    assert not rules.is_quiet(allowed)
    local = allowed.astimezone(ZoneInfo(zone))
    assert time(7, 30) <= local.time() < time(19, 0)
    if weekends:
        assert local.weekday() < 5
    # and it is the first such moment: either the instant itself, or an opening at 07:30
    assert allowed == instant or local.time() == time(7, 30)


def test_a_friday_evening_nudge_waits_for_monday_morning() -> None:
    rules = QuietRules("America/Chicago")
    friday_evening = datetime(2026, 11, 20, 19, 5, tzinfo=ZoneInfo("America/Chicago"))
    monday = rules.next_allowed(friday_evening).astimezone(ZoneInfo("America/Chicago"))
    assert (monday.date(), monday.time()) == (date(2026, 11, 23), time(7, 30))


def test_a_school_break_is_quiet_all_day() -> None:
    rules = QuietRules("America/New_York", breaks=((date(2026, 12, 21), date(2027, 1, 1)),))
    during = datetime(2026, 12, 22, 15, 0, tzinfo=UTC)
    after = rules.next_allowed(during).astimezone(ZoneInfo("America/New_York"))
    assert (after.date(), after.time()) == (date(2027, 1, 4), time(7, 30))  # Mon after the break


def test_on_the_morning_of_the_spring_change_the_opening_is_local_07_30() -> None:
    rules = QuietRules("America/Denver", quiet_weekends=False)
    night = datetime(2026, 3, 8, 8, 0, tzinfo=UTC)  # 01:00 MST, before clocks jump
    opening = rules.next_allowed(night)
    assert opening.astimezone(ZoneInfo("America/Denver")).time() == time(7, 30)
    assert opening == datetime(2026, 3, 8, 13, 30, tzinfo=UTC)  # 07:30 MDT is UTC-6


NOW = datetime(2026, 10, 6, 15, 0, tzinfo=UTC)


def test_the_weekly_cap_keeps_deadlines_over_milestones_over_inactivity() -> None:
    due = [
        Candidate(NudgeKind.INACTIVE, "pursuit:1"),
        Candidate(NudgeKind.MILESTONE_SOON, "milestone:5"),
        Candidate(NudgeKind.WINDOW_CLOSING, "pursuit:1"),
    ]
    verdict = choose(due, sent_this_week=1, cap=3, choices=PersonChoices(), now=NOW)
    assert [c.kind for c in verdict.send] == [NudgeKind.WINDOW_CLOSING, NudgeKind.MILESTONE_SOON]
    assert [(c.kind, why) for c, why in verdict.dropped] == [(NudgeKind.INACTIVE, "weekly_cap")]


def test_feedback_is_news_not_a_reminder_so_it_is_never_capped_or_muted() -> None:
    due = [
        Candidate(NudgeKind.FEEDBACK_READY, "review:9"),
        Candidate(NudgeKind.MILESTONE_TODAY, "milestone:2"),
    ]
    verdict = choose(due, sent_this_week=5, cap=3, choices=PersonChoices(muted=True), now=NOW)
    assert [c.kind for c in verdict.send] == [NudgeKind.FEEDBACK_READY]
    assert verdict.dropped == [(due[1], "muted")]


@pytest.mark.parametrize(
    ("until", "sent"), [(NOW + timedelta(days=2), False), (NOW - timedelta(minutes=1), True)]
)
def test_snooze_holds_reminders_until_it_ends(until: datetime, sent: bool) -> None:
    due = [Candidate(NudgeKind.MILESTONE_SOON, "milestone:5")]
    verdict = choose(
        due, sent_this_week=0, cap=3, choices=PersonChoices(snoozed_until=until), now=NOW
    )
    assert bool(verdict.send) is sent
