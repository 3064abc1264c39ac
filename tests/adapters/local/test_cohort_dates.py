"""The cohort form's dates in the terminal, typed as the tester typed them: a day no month has
is asked again (never stored as a year), and an end before the start is asked again at once."""

from __future__ import annotations

from adapters.local.terminal import chat
from coachbot.composition import Services
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_forms_forgive import typist
from tests.adapters.local.test_terminal_trial import session
from tests.helpers import DEE


async def test_jan_32_is_asked_again_not_stored_as_2032(district: Services) -> None:
    await onboarded(district, DEE)
    lines = ["cohort new", "Spring group", "jan 32", "2026-10-01", "2026-12-01", "", "", "/quit"]
    text = await session(district, DEE, lines)
    assert (
        'January has 31 days: "jan 32" isn\'t a date. Write the day again, like "Jan 31".'
    ) in text
    assert "2032" not in text
    assert "Cohort *Spring group* is ready" in text


async def test_an_end_before_the_start_asks_the_end_again_at_once(district: Services) -> None:
    await onboarded(district, DEE)
    lines = ["cohort new", "Spring group", "2026-12-01", "2026-10-01", "2026-12-20", "", "",
             "/quit"]  # fmt: skip
    prompts, ask = typist(lines)
    screen: list[str] = []
    await chat(district, DEE, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    # The end asked again straight away (not at the end of the form), the start kept.
    assert prompts[3:5] == ["Ends on: ", "Ends on: "]
    assert "*Ends on* Thursday, October 1, 2026 would be before *Starts on*" in text
    assert "I kept your other answers" not in text
    assert "Cohort *Spring group* is ready: Tuesday, December 1, 2026" in text


async def test_a_start_years_away_is_read_back_and_taken_with_its_year(
    district: Services,
) -> None:
    await onboarded(district, DEE)
    lines = ["cohort new", "Long group", "in 3 years", "2029-09-01", "2029-12-01", "", "",
             "/quit"]  # fmt: skip
    text = await session(district, DEE, lines)
    assert (
        'I read "in 3 years" as Saturday, September 1, 2029, more than two years away.'
    ) in text
    assert "Cohort *Long group* is ready: Saturday, September 1, 2029" in text


async def test_an_unreadable_date_asks_for_a_typed_one_not_a_calendar(district: Services) -> None:
    """The terminal has no date picker: the hint says how to type a date, nothing else."""
    await onboarded(district, DEE)
    lines = ["cohort new", "Spring group", "next-ish", "2026-10-01", "2026-12-01", "", "",
             "/quit"]  # fmt: skip
    text = await session(district, DEE, lines)
    assert 'I couldn\'t read "next-ish" as a date. Write it like "Dec 3" or "2026-12-03".' in text
    assert "calendar" not in text.lower()
    assert "Cohort *Spring group* is ready" in text


async def test_a_window_before_its_cohort_or_closing_before_it_opens_is_asked_at_once(
    district: Services,
) -> None:
    await onboarded(district, DEE)
    lines = ["cohort new", "Spring group", "2026-10-01", "2026-12-20",
             "2026-09-01", "2026-10-05",  # opens before the cohort starts: asked again at once
             "2026-09-20", "2026-11-01", "/quit"]  # closes before it opens: asked again at once
    prompts, ask = typist(lines)
    screen: list[str] = []
    await chat(district, DEE, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    opens, closes = prompts[4], prompts[6]
    assert prompts[4:8] == [opens, opens, closes, closes]
    assert "would be before *Starts on* Thursday, October 1, 2026" in text
    assert "would be before *" in text.split("Starts on* Thursday, October 1, 2026", 1)[1]
    assert "I kept your other answers" not in text
    assert "Cohort *Spring group* is ready" in text
