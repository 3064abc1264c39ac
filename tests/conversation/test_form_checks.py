"""The fast checks a platform runs on a submitted form before it answers: what a person is told
beside each field, and that a form which is fine goes through untouched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachbot.conversation.form_checks import check, form_from_rules, rules
from coachbot.conversation.vocabulary import FieldKind, Form, FormField, Option
from coachbot.prompts import Prompts
from coachbot.settings import REPO_ROOT

SHIPPED = REPO_ROOT / "prompts"
NOW = datetime(2026, 9, 8, 15, 0, tzinfo=UTC)
FORM = Form(
    "sample",
    "Sample",
    (
        FormField("name", "Name", FieldKind.SHORT_TEXT),
        FormField("starts", "Starts", FieldKind.DATE),
        FormField("video", "Video", FieldKind.URL, required=False),
        FormField("hours", "Hours", FieldKind.NUMBER, required=False, min_value=1, max_value=40),
        FormField(
            "reflection",
            "Reflection",
            FieldKind.LONG_TEXT,
            required=False,
            min_words=3,
            max_words=5,
        ),
        FormField("plan", "Plan", FieldKind.FILE),
        FormField(
            "role",
            "Role",
            FieldKind.CHOICE,
            options=(Option("Teacher", "teacher"), Option("Facilitator", "facilitator")),
        ),
    ),
    "Save",
)
GOOD = {
    "name": "Fall",
    "starts": "2026-09-14",
    "video": "https://video.example.org/1",
    "hours": "12",
    "reflection": "We talked a lot",
    "role": "teacher",
}


@pytest.fixture(scope="module")
def prompts() -> Prompts:
    return Prompts(SHIPPED)


def test_a_good_form_has_nothing_to_fix(prompts: Prompts) -> None:
    assert check(FORM, GOOD, prompts, now=NOW, files={"plan": 1}) == {}
    assert check(FORM, GOOD | {"starts": "next friday"}, prompts, now=NOW, files={"plan": 1}) == {}


def test_each_problem_is_told_beside_its_field(prompts: Prompts) -> None:
    bad = {
        "name": "  ",
        "starts": "2026-02-30",
        "video": "my drive folder",
        "hours": "99",
        "reflection": "one two three four five six",
        "role": "janitor",
    }
    problems = check(FORM, bad, prompts, now=NOW)
    assert problems == {
        "name": "Please fill this in.",
        "starts": problems["starts"],
        "video": '"my drive folder" doesn\'t look like a web link. Paste the whole address, '
        "starting with "
        "https://.",
        "hours": "Please pick a number from 1 to 40.",
        "reflection": "This has 6 words; please keep it to 5.",
        "plan": "Please attach a file here.",
        "role": '"janitor" isn\'t one of the choices. Please choose Teacher or Facilitator.',
    }
    assert problems["starts"] == (
        'February 2026 has 28 days: "2026-02-30" isn\'t a date. Write the day again, like "Feb 28".'
    )
    few = check(
        FORM,
        GOOD | {"reflection": "too short", "hours": "three"},
        prompts,
        now=NOW,
        files={"plan": 1},
    )
    assert few == {
        "reflection": "This has 2 words; it needs at least 3. Say a little more.",
        "hours": '"three" isn\'t a number. Type digits only, like 3.',
    }


def test_optional_fields_may_stay_empty(prompts: Prompts) -> None:
    minimal = {"name": "Fall", "starts": "2026-09-14", "role": "facilitator"}
    assert check(FORM, minimal, prompts, now=NOW, files={"plan": 1}) == {}


def test_the_limits_a_modal_carries_check_the_same(prompts: Prompts) -> None:
    carried = form_from_rules("sample", rules(FORM))
    assert carried is not None
    for values in (GOOD, {"starts": "soonish", "hours": "0"}):
        assert check(carried, values, prompts, now=NOW) == check(FORM, values, prompts, now=NOW)
    assert form_from_rules("sample", "not a list") is None
    assert form_from_rules("sample", [{"n": "x", "k": "hologram"}]) is None


@given(st.dictionaries(st.sampled_from([f.name for f in FORM.fields]), st.text(max_size=80)))
def test_any_input_gets_words_never_an_error(values: dict[str, str]) -> None:
    problems = check(FORM, values, Prompts(SHIPPED), now=NOW)
    assert set(problems) <= {f.name for f in FORM.fields}
    assert all(message.strip() for message in problems.values())


COHORT = Form(
    "cohort",
    "Cohort",
    (
        FormField("starts", "Starts on", FieldKind.DATE),
        FormField("ends", "Ends on", FieldKind.DATE, not_before="starts"),
        FormField("closes", "Submissions close", FieldKind.DATE, not_after="ends"),
    ),
    "Create",
)


def test_a_day_after_the_later_fields_is_told_beside_it_on_every_platform(
    prompts: Prompts,
) -> None:
    """A submission window closing after its cohort ends is told at its field (a Slack modal's
    answer, the terminal's next prompt), not once the form is sent; as it travels with a
    modal too."""
    values = {"starts": "2026-10-01", "ends": "2026-12-01", "closes": "2026-12-15"}
    told = {
        "closes": "*Submissions close* Tuesday, December 15, 2026 would be after *Ends on*"
        " Tuesday, December 1, 2026. Please give a date on or before Tuesday, December 1, 2026."
    }
    assert check(COHORT, values, prompts, now=NOW) == told
    carried = form_from_rules("cohort", rules(COHORT))
    assert carried is not None
    assert check(carried, values, prompts, now=NOW) == told
    assert check(COHORT, {**values, "closes": "2026-12-01"}, prompts, now=NOW) == {}
