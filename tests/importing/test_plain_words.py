"""Whatever is wrong with a district's file is said in the district's terms, with the file, the
line and the fix: never the YAML parser's or the validator's own text. Spreadsheets that save
CSV with semicolons (or tabs) import like any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachbot.importing.calendar_reader import read_calendar
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.problems import ImportProblems
from coachbot.importing.roster_reader import read_roster

FIXTURES = Path(__file__).parent.parent / "fixtures"
CATALOG = (FIXTURES / "small_catalog.yaml").read_text()
ROSTER = (FIXTURES / "small_roster.csv").read_text()
LIBRARY_WORDS = ("expected <", "but found", "Input should", "unable to parse", "Field required",
                 "valid integer", "while parsing", "while scanning", "mapping values")


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ImportProblems) as caught:
        read_catalog(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        # a key with a stray "?" (what a paste from a word processor can leave)
        ("    hours_estimate: 12\n", "    hours_estimate: 12\n  ? x\n", "indented"),
        ("    hours_estimate: 12\n", "\thours_estimate: 12\n", "indent with spaces"),
        (CATALOG.splitlines(keepends=True)[-1],
         CATALOG.splitlines(keepends=True)[-1] + 'notes: "never closed\n',
         "a quotation mark is opened and never closed"),
        ("    credentials: [C-ONE, C-TWO]\n", "    credentials: [C-ONE, C-TWO\n",
         "[C-ONE, C-TWO]"),
        ("    hours_estimate: 12\n", "    hours_estimate: twelve\n",
         "'twelve' is not a number; write a number like 2.5"),
        ("    hours_estimate: 12\n", "    hours_estimate: [12]\n", "is not a number"),
        ("  nudge_cap_per_week: 3\n", "  nudge_cap_per_week: three\n",
         "'three' is not a whole number"),
    ],
)
def test_a_broken_catalog_is_explained_in_plain_words(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    assert old in CATALOG
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG.replace(old, new, 1))
    found = problems_of(path)
    assert any(says in problem for problem in found), found
    assert all(problem.startswith(f"{path}, line ") for problem in found), found
    assert not any(words in problem for problem in found for words in LIBRARY_WORDS), found


def test_a_semicolon_roster_imports_like_a_comma_one(tmp_path: Path) -> None:
    commas = tmp_path / "commas.csv"
    commas.write_text(ROSTER)
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text(ROSTER.replace(";", ",").replace(",", ";").replace(
        "teacher;facilitator", '"teacher;facilitator"'))
    tabs = tmp_path / "tabs.csv"
    tabs.write_text(ROSTER.replace(";", "|").replace(",", "\t"))
    schools = {"NORTH", "SOUTH"}
    expected = [(r.email, r.school_code, r.roles) for r in read_roster(commas, schools)]
    for other in (semicolons, tabs):
        assert [(r.email, r.school_code, r.roles) for r in read_roster(other, schools)] == expected


def test_a_semicolon_calendar_imports(tmp_path: Path) -> None:
    path = tmp_path / "breaks.csv"
    path.write_text("Name;Starts;Ends\nWinter break;2026-12-21;2027-01-01\n")
    (winter,) = read_calendar(path)
    assert (winter.name, str(winter.starts_on), str(winter.ends_on)) == (
        "Winter break", "2026-12-21", "2027-01-01")


def test_a_file_that_cannot_be_read_says_what_to_do(tmp_path: Path) -> None:
    latin = tmp_path / "roster.csv"  # as an old spreadsheet saves it
    latin.write_bytes((ROSTER + "José Núñez,jose@testville.example,NORTH,teacher,,,\n")
                      .encode("latin-1"))
    with pytest.raises(ImportProblems) as caught:
        read_roster(latin, {"NORTH", "SOUTH"})
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{latin}, line {ROSTER.count(chr(10)) + 1}: ")
    assert "save the file as UTF-8 (in a spreadsheet: Save As, CSV UTF-8)" in problem.message
    for reader in (read_catalog, read_calendar):
        with pytest.raises(ImportProblems) as caught:
            reader(tmp_path / "no-such-file.yaml")
        (problem,) = caught.value.problems
        assert str(problem) == (f"{tmp_path / 'no-such-file.yaml'}, line 1: there is no file "
                                "here; check the path and the file's name")
    ics = tmp_path / "calendar.ics"
    ics.write_text("this is a note, not a calendar")
    with pytest.raises(ImportProblems) as caught:
        read_calendar(ics)
    assert "export the calendar again as .ics" in str(caught.value)
    assert "Errno" not in str(caught.value) and "codec" not in str(caught.value)
