"""Every message the core can produce has words in prompts/, and districts can reword them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from coachbot.domain import errors
from coachbot.prompts import Prompts
from coachbot.settings import REPO_ROOT

SHIPPED = REPO_ROOT / "prompts"
SOURCE = REPO_ROOT / "coachbot"
GENERIC = ("That step needs something else", "Something in")
BANNED = re.compile(r"\b(fail(ed|ure)?|denied|reject(ed)?)\b", re.IGNORECASE)


class Anything(dict[str, Any]):
    """Params where any name a template asks for has a plausible value."""

    def __missing__(self, key: str) -> Any:
        if key == "limit":
            return 3
        return ["X", "Y"] if key in {"allowed", "criteria", "missing", "parties", "slugs"} else "X"


def _codes() -> list[str]:
    return sorted(
        {
            cls.code
            for cls in vars(errors).values()
            if isinstance(cls, type) and issubclass(cls, errors.DomainError)
        }
    )


def _raised(kind: str) -> list[str]:
    """Every ``need="..."`` or ``hint="..."`` value the core raises."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        found.update(re.findall(rf'{kind}="(\w+)"', path.read_text()))
    return sorted(found)


@pytest.fixture
def prompts() -> Prompts:
    return Prompts(SHIPPED)


@pytest.mark.parametrize("code", _codes())
def test_every_domain_error_has_a_message(prompts: Prompts, code: str) -> None:
    assert prompts.has("errors.j2", code)


@pytest.mark.parametrize("need", _raised("need"))
def test_every_step_out_of_order_says_what_to_do(prompts: Prompts, need: str) -> None:
    text = prompts.render("errors.j2", "precondition_failed", p=Anything(need=need))
    assert text
    assert not text.startswith(GENERIC), f"no specific message for need={need}"


@pytest.mark.parametrize("hint", _raised("hint"))
def test_every_invalid_input_says_how_to_fix_it(prompts: Prompts, hint: str) -> None:
    text = prompts.render("errors.j2", "invalid_input", p=Anything(hint=hint, field="Reflection"))
    assert text
    assert not text.startswith(GENERIC), f"no specific message for hint={hint}"


def test_messages_never_say_failed_or_denied(prompts: Prompts) -> None:
    for path in SHIPPED.rglob("*.j2"):
        spoken = re.sub(r"{[#%{].*?[#%}]}", "", path.read_text(), flags=re.DOTALL)
        assert not BANNED.search(spoken), f"{path.name}: {BANNED.search(spoken)}"


def test_a_district_can_reword_a_message_and_add_a_language(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "errors.j2").write_text(
        "{% macro reason_required(p) %}Add a reason, please.{% endmacro %}"
    )
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "errors.j2").write_text(
        "{% macro reason_required(p) %}Agrega una razón, por favor.{% endmacro %}"
    )
    district = Prompts(SHIPPED, district=tmp_path)
    assert district.render("errors.j2", "reason_required", p={}) == "Add a reason, please."
    spanish = Prompts(SHIPPED, district=tmp_path, locale="es")
    assert spanish.render("errors.j2", "reason_required", p={}) == "Agrega una razón, por favor."
    # a message the district did not override falls back to the shipped words
    assert "pre-approval" in district.render(
        "errors.j2", "precondition_failed", p={"need": "approval", "credential": "X"}
    )


def test_no_line_runs_into_the_next_after_a_block_tag() -> None:
    """With trim_blocks, a newline right after ``{% endif %}`` is eaten: a text line ending in a
    block tag needs a blank line after it, or two sentences run together on screen."""
    merged = []
    for path in SHIPPED.rglob("*.j2"):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines[:-1], start=1):
            stripped = line.rstrip()
            text = re.sub(r"{%.*?%}", "", stripped).strip()
            following = lines[number].strip()
            if (stripped.endswith("%}") and not stripped.endswith("-%}") and text
                    and following and not following.startswith("{%")):
                merged.append(f"{path.name}:{number}")
    assert merged == []


@pytest.mark.parametrize("family", sorted(p.name for p in (SHIPPED / "en").glob("*.j2")))
def test_every_message_file_compiles(family: str) -> None:
    """One unclosed macro silences every message of its file (a merge once dropped an
    ``endmacro`` in nudges.j2 and no reminder or approval reached anyone): compile each file."""
    prompts = Prompts(SHIPPED)
    assert not prompts.has(family, "no_such_message")  # loads and compiles the whole file


def test_a_parts_description_and_its_file_kinds_are_two_sentences() -> None:
    """"names removed As pdf" read as one broken sentence in the hand-in form."""
    prompts = Prompts(SHIPPED)
    hint = prompts.render("labels.j2", "hint_part", p={
        "description": "Three samples at different levels, names removed", "kind": "file",
        "allowed": ["pdf", "jpeg"], "kept": None,
    })  # fmt: skip
    assert hint.startswith("Three samples at different levels, names removed. As pdf or jpeg.")
    ended = prompts.render("labels.j2", "hint_part", p={
        "description": "Your lesson plan.", "kind": "file", "allowed": ["pdf"], "kept": None,
    })  # fmt: skip
    assert ended.startswith("Your lesson plan. As pdf.")


# A line ending in a block tag loses its newline (trim_blocks): a trial read "*Scores*- Listening"
# and "on your record.You've also completed" in the message a teacher reads most.
JOINED = re.compile(r"[a-z][.!?*][A-Z-]|\*Scores\*[^\n]")
EARNED = {
    "hours": 10, "points": 2, "stipend_status": "owed", "stipend_cents": 20_000, "cpd_units": 1,
    "completed": [("stack", "Classroom Discourse", ""),
                  ("pathway", "Discourse Micro-endorsement", "salary step +5%", "Salary")],
    "credential_url": "https://example.org/c/1", "issuer": "Testville", "assertion_id": "a1",
}


@pytest.mark.parametrize("decision", ["feedback", "not_yet", "earned"])
def test_the_review_message_keeps_each_score_and_sentence_on_its_own(decision: str) -> None:
    prompts = Prompts(REPO_ROOT / "prompts")
    said = prompts.render("nudges.j2", "feedback_ready", p={
        "decision": decision, "credential": "Questioning", "reviewers": ["Fay Facilitator"],
        "scores": [("Listening", "Developing", False), ("Adjusting", "Proficient", True)],
        "strengths": ["Clear prompts."], "changes": ["Wait longer."], "attempt": 1, "limit": 3,
        "meeting": False, "award": EARNED,
    })
    assert not JOINED.search(said), said
    assert "\n- Listening: Developing" in said and "\n- Adjusting: Proficient" in said
    if decision == "earned":
        assert "on your record.\nYou've also completed the stack *Classroom Discourse*!\n" in said


def test_the_earned_news_keeps_each_completion_on_its_own_line() -> None:
    prompts = Prompts(REPO_ROOT / "prompts")
    said = prompts.render("celebrate.j2", "earned_for_teacher", p={
        "s": {**EARNED, "credential": "Questioning"}})
    assert not JOINED.search(said), said
    assert "*Classroom Discourse*!\nYou've also completed the pathway" in said


@pytest.mark.parametrize(
    ("credits", "sentence"),
    [
        ({**EARNED, "hours": 10.0, "points": 2.0},
         "10.0 in-service hours, 2.0 CE points, a $200 stipend and a CPD unit are"),
        ({"hours": 4.0, "stipend_status": "owed", "stipend_cents": 20_000},
         "4.0 in-service hours and a $200 stipend are"),
        ({"points": 3.0}, "3.0 CE points are"),
        ({"stipend_status": "owed", "stipend_cents": 20_000}, "a $200 stipend is"),
    ],
)
def test_what_an_award_put_on_the_record_reads_as_one_sentence(
    credits: dict[str, object], sentence: str
) -> None:
    """The teacher's news lists what she earned with commas and one "and", in both messages
    (the review's decision and the earned news): no leading comma when there are no hours."""
    prompts = Prompts(REPO_ROOT / "prompts")
    award = {"hours": 0, "points": 0, "stipend_status": None, "cpd_units": 0, "completed": [],
             "credential_url": "", "issuer": "", "assertion_id": "a1", **credits}
    earned = prompts.render("celebrate.j2", "earned_for_teacher", p={
        "s": {**award, "credential": "Questioning"}})
    decided = prompts.render("nudges.j2", "feedback_ready", p={
        "decision": "earned", "credential": "Questioning", "reviewers": ["Fay Facilitator"],
        "scores": [], "strengths": [], "changes": [], "attempt": 1, "limit": 3,
        "meeting": False, "award": award,
    })
    for said in (earned, decided):
        assert f"\n{sentence} on your record.\n" in said, said
