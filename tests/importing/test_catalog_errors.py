"""Catalog problems name the file, the line and the fix, all at once; the example district is
shaped as the product promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.problems import ImportProblems
from coachbot.settings import REPO_ROOT

FIXTURE = Path(__file__).parent.parent / "fixtures" / "small_catalog.yaml"


def broken(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """The test catalog with ``old`` replaced by ``new``; returns the file and new's line."""
    text = FIXTURE.read_text()
    assert old in text, old
    text = text.replace(old, new, 1)
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    line = (
        text[: text.index(new)].count("\n")
        + 1
        + new[: len(new) - len(new.lstrip("\n"))].count("\n")
    )
    return path, line


def problems_of(path: Path) -> list:
    with pytest.raises(ImportProblems) as caught:
        read_catalog(path)
    return caught.value.problems


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("    hours_estimate: 12\n", "    hours_estimat: 12\n", "did you mean 'hours_estimate'"),
        ("    competency: Uses exit tickets to adjust the next lesson.\n", "", "add this field"),
        ("    hours_estimate: 10\n", "    hours_estimate: lots\n", "number"),
        (
            "      passing: Proficient\n      criteria:\n        - {name: Question design",
            "      passing: Proficent\n      criteria:\n        - {name: Question design",
            "use one of those names",
        ),
        (
            "    credentials: [C-ONE, C-TWO]\n",
            "    credentials: [C-ONE, C-NINE]\n",
            "'C-NINE' is not a credential in this file",
        ),
        ("  timezone: America/Chicago\n", "  timezone: Mars/Olympus\n", "IANA name"),
        (
            "  submission_window: {opens: 2026-09-01, closes: 2027-05-28}\n",
            "  submission_window: {opens: 2027-09-01, closes: 2027-05-28}\n",
            "swap 'opens' and 'closes'",
        ),
        (
            "      - {name: Practice, credentials: [C-TWO, C-APPROVE], required: 1}\n",
            "      - {name: Practice, credentials: [C-TWO, C-APPROVE], required: 3}\n",
            "requires 3 but lists only 2",
        ),
        (
            '        - {name: Listening, description: "Mostly asks, rarely tells"}\n',
            "        - {name: Listening, descriptors: {Great: Brilliant}}\n",
            "unknown level(s) Great",
        ),
        (
            "evidence: [Lesson plan, Reflection]}\n",
            "evidence: [Lesson plan, Video]}\n",
            "'Video' is not one of this credential's requirements",
        ),
        (
            '    outcome: {kind: salary_step, value: "+5%", committee_review: true}\n',
            '    outcome: {kind: salary_step, value: "+5%", committee: Salary}\n',
            "'Salary' is not one of policy.committees (none yet)",
        ),
        (
            "  resubmission_limit: 3\n",
            "  committees: [{name: Salary, quorum: 2}]\n  resubmission_limit: 3\n",
            "a committee needs members (emails) or a role",
        ),
        (
            "  resubmission_limit: 3\n",
            "  fiscal_year_starts: July 1\n  resubmission_limit: 3\n",
            "'July 1' is not written the way this field needs",
        ),
    ],
)
def test_each_problem_names_the_line_and_the_fix(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    path, line = broken(tmp_path, old, new or old)
    if not new:  # a removed field: the problem points at the credential that lacks it
        text = FIXTURE.read_text().replace(old, "", 1)
        path.write_text(text)
        line = text[: text.index("  - code: C-TWO")].count("\n") + 1
    if "unknown level" in says:  # reported on the criteria list that holds the criterion
        line -= 1
    found = problems_of(path)
    assert len(found) == 1, [str(p) for p in found]
    problem = found[0]
    assert problem.file == str(path)
    assert problem.line == line, str(problem)
    assert says in problem.message, str(problem)
    assert str(problem).startswith(f"{path}, line {line}")


def test_yaml_that_is_not_yaml_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("district:\n  slug: x\n   name: broken indentation\n")
    (problem,) = problems_of(path)
    assert problem.line == 3
    assert "indentation" in problem.message


def test_duplicate_codes_are_reported(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, "  - code: C-TWO\n", "  - code: C-ONE\n")
    lines = path.read_text().splitlines()
    second = [i + 1 for i, text in enumerate(lines) if text == "  - code: C-ONE"][1]
    twice = [p for p in problems_of(path) if "appears twice" in p.message]
    assert [p.line for p in twice] == [second]


def test_every_problem_comes_back_at_once(tmp_path: Path) -> None:
    text = (
        FIXTURE.read_text()
        .replace("hours_estimate: 12", "hours_estimat: 12")
        .replace("credentials: [C-ONE, C-TWO]", "credentials: [C-ONE, C-NINE]")
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    found = problems_of(path)
    # pydantic problems are reported first; the cross-reference check runs once they are fixed
    assert len(found) >= 1
    assert all(p.line > 1 for p in found)
    text = (
        FIXTURE.read_text()
        .replace("hours_estimate: 12", "hours_estimat: 12")
        .replace("hours_estimate: 10", "hours_estimate: lots")
    )
    path.write_text(text)
    assert len(problems_of(path)) == 2


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nope.yaml")
    assert "there is no file here; check the path" in problem.message


def test_the_example_district_is_shaped_as_promised() -> None:
    spec = read_catalog(REPO_ROOT / "examples" / "lakeview" / "catalog.yaml")
    assert len(spec.stacks) == 3
    assert all(len(s.credential_codes) == 3 for s in spec.stacks)
    in_stacks = {c for s in spec.stacks for c in s.credential_codes}
    assert len(in_stacks) == 9
    endorsement = next(p for p in spec.pathways if p.prerequisite_code)
    assert [len(a.credential_codes) for a in endorsement.areas] == [4, 4, 4]
    assert all(a.required_count == 4 for a in endorsement.areas)
    facilitator = next(p for p in spec.pathways if p.outcome.kind.value == "role")
    assert facilitator.outcome.value == "facilitator"
    assert spec.policy.currency.hours == 4
    assert spec.policy.currency.cpd_units_per == 2
