"""A choice or a time zone typed as people type them: what is understood, and what is refused
with what is accepted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachbot.conversation.choices import Refusal, choose, yes_or_no
from coachbot.conversation.form_checks import settle_field
from coachbot.conversation.vocabulary import FieldKind, FormField, Option
from coachbot.conversation.zones import likely, resolve
from coachbot.prompts import Prompts
from coachbot.settings import REPO_ROOT

NOW = datetime(2026, 9, 8, 15, 0, tzinfo=UTC)
DECISION = FormField("decision", "Decision", FieldKind.CHOICE,
                     options=(Option("Earned", "earned"), Option("Not yet", "not_yet")))
YES_NO = FormField("q", "Colleagues may ask me", FieldKind.CHOICE,
                   options=(Option("Yes", "yes"), Option("No", "no")))
LEVELS = FormField("score", "Clarity", FieldKind.CHOICE, options=tuple(
    Option(n, n) for n in ("Not yet", "Developing", "Proficient", "Exemplary")))
ZONE = FormField("timezone", "Your time zone", FieldKind.TIMEZONE, options=(
    Option("America/Chicago", "America/Chicago"),
    Option("America/New York", "America/New_York"),
    Option("America/Los Angeles", "America/Los_Angeles")))


@pytest.mark.parametrize("typed", ["central", "Central Time", "CST", "CDT", "US/Central",
                                   "Chicago", "chicago", "america/chicago",
                                   "Central Standard Time", "central time zone"])
def test_central_time_by_any_of_its_names(typed: str) -> None:
    assert resolve(typed) == "America/Chicago"
    assert choose(ZONE, typed) == "America/Chicago"


def test_other_zones_by_the_names_people_use() -> None:
    assert resolve("Eastern") == "America/New_York"
    assert resolve("new york") == "America/New_York"
    assert resolve("PST") == "America/Los_Angeles"
    assert resolve("Arizona") == resolve("US/Arizona") == "America/Phoenix"
    assert resolve("London") == "Europe/London"
    assert resolve("UTC") == "UTC"
    assert choose(ZONE, "America/New York") == "America/New_York"  # the label as shown
    assert choose(ZONE, "2", numbered=True) == "America/New_York"


def test_an_unknown_zone_offers_likely_ones() -> None:
    assert resolve("centrl") is None
    assert likely("centrl")[0] == "America/Chicago"
    refused = choose(ZONE, "centrl")
    assert isinstance(refused, Refusal) and refused.message == "timezone_unknown"
    assert "America/Chicago" in refused.params["labels"]
    # Nothing close: the form's own short list.
    nowhere = choose(ZONE, "my house")
    assert isinstance(nowhere, Refusal)
    assert nowhere.params["labels"] == ["America/Chicago", "America/New York",
                                        "America/Los Angeles"]


def test_labels_and_values_in_any_case_and_spacing() -> None:
    for typed in ("Not yet", "not yet", "not_yet", "NOT  YET", "not-yet", " Not yet. "):
        assert choose(DECISION, typed) == "not_yet", typed
    assert choose(DECISION, "earned") == "earned"
    assert choose(LEVELS, "prof") == "Proficient"  # the start of one option
    assert choose(YES_NO, "y") == "yes"
    assert choose(YES_NO, "nope") == "no" and choose(YES_NO, "yeah") == "yes"


def test_numbers_only_where_they_were_shown() -> None:
    assert choose(DECISION, "2", numbered=True) == "not_yet"
    three = choose(DECISION, "3", numbered=True)
    assert isinstance(three, Refusal) and three.message == "choice_number"
    unshown = choose(DECISION, "2")
    assert isinstance(unshown, Refusal) and unshown.message == "choice_unknown"


def test_refusals_say_what_is_accepted_in_labels() -> None:
    prompts = Prompts(REPO_ROOT / "prompts")

    def told(field: FormField, typed: str, numbered: bool = False) -> str | None:
        return settle_field(field, typed, prompts, now=NOW, numbered=numbered)[1]

    assert told(YES_NO, "maybe") == '"maybe" isn\'t one of the choices. Please choose Yes or No.'
    assert told(DECISION, "3", numbered=True) == (
        "There's no choice 3 here: type a number from 1 to 2 (Earned or Not yet), or the choice "
        "itself."
    )
    assert told(LEVELS, "5", numbered=True) == (
        "There's no choice 5 here: type a number from 1 to 4 (Not yet, Developing, Proficient "
        "or Exemplary), or the choice itself."
    )
    two = FormField("send_as", "Send as", FieldKind.CHOICE,
                    options=(Option("Draft for feedback", "draft"),
                             Option("Draft of the plan", "plan")))
    assert told(two, "draft") is None  # a value is exact, not a shared start
    assert told(two, "dra") == (
        '"dra" could be Draft for feedback or Draft of the plan. Please type more of the one '
        "you mean."
    )
    assert "not_yet" not in (told(DECISION, "nope") or "")


@given(st.text(max_size=60))
def test_any_answer_is_taken_or_refused_in_words(typed: str) -> None:
    prompts = Prompts(REPO_ROOT / "prompts")
    for field in (DECISION, YES_NO, LEVELS, ZONE):
        for numbered in (False, True):
            value, problem = settle_field(field, typed, prompts, now=NOW, numbered=numbered)
            if problem is None:
                assert not typed.strip() or value in {o.value for o in field.options} or (
                    field.kind is FieldKind.TIMEZONE and resolve(value) == value
                )
            else:
                assert problem.strip()


def test_a_question_that_acts_takes_only_a_plain_yes_or_no() -> None:
    """Typed to "Revoke it?": a yes as people type it revokes, a no or "cancel" keeps it, and
    anything hedged is no answer at all (the question is not acted on)."""
    for typed in ("yes", "Y", "Yes please", "yep, thanks", "ok yes"):
        assert yes_or_no(typed) == "yes", typed
    for typed in ("no", "No thanks", "cancel", "Never mind", "keep it", "stop"):
        assert yes_or_no(typed) == "no", typed
    for typed in ("yes but not this one", "maybe", "ok", "please", "", "no wait yes"):
        assert yes_or_no(typed) is None, typed
