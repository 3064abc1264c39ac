"""Roster problems name the line and column; a bad file changes nothing; re-import updates in
place, never duplicates and never loses history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from coachbot.composition import Services
from coachbot.importing.problems import ImportProblems
from coachbot.importing.roster_reader import parse_roster, read_roster
from coachbot.storage.models import AuditEvent, Person, Pursuit
from tests.helpers import ANA, actor, planned

SCHOOLS = {"NORTH", "SOUTH"}
HEADER = "name,email,school,roles,timezone,slack_id,discord_id\n"
FIXTURE = Path(__file__).parent.parent / "fixtures" / "small_roster.csv"


def problems(text: str) -> list:
    with pytest.raises(ImportProblems) as caught:
        parse_roster(HEADER + text, "roster.csv", SCHOOLS)
    return caught.value.problems


@pytest.mark.parametrize(
    ("row", "column", "says"),
    [
        ("Ana,ana at school,NORTH,teacher,,,", "email", "is not an email address"),
        ("Ana,ana@x.org,WEST,teacher,,,", "school", "use one of NORTH, SOUTH"),
        ("Ana,ana@x.org,NORTH,principal,,,", "roles", "unknown role 'principal'"),
        ("Ana,ana@x.org,,teacher,,,", "school", "only district admins may have no school"),
        ("Ana,ana@x.org,NORTH,teacher,Moon/Base,,", "timezone", "is not a time zone"),
        ("Ana,ana@x.org,NORTH,teacher,,ana,", "slack_id", "is not a Slack member id"),
        ("Ana,ana@x.org,NORTH,teacher,,,12ab", "discord_id", "is not a Discord user id"),
        (",ana@x.org,NORTH,teacher,,,", "name", "the name is empty"),
        ("Ana,ana@x.org,NORTH,,,,", "roles", "no role given"),
    ],
)
def test_each_row_problem_names_line_and_column(row: str, column: str, says: str) -> None:
    (problem,) = problems("Ben,ben@x.org,SOUTH,teacher,,,\n" + row + "\n")
    assert (problem.line, problem.where) == (3, column)
    assert says in problem.message


def test_a_district_admin_needs_no_school() -> None:
    rows = parse_roster(HEADER + "Dee,dee@x.org,,district_admin,,,\n", "roster.csv", SCHOOLS)
    assert rows[0].school_code is None


def test_a_duplicate_email_names_both_lines() -> None:
    (problem,) = problems("Ana,ana@x.org,NORTH,teacher,,,\nAnna,ANA@x.org,SOUTH,teacher,,,\n")
    assert problem.line == 3
    assert "also on line 2" in problem.message


def test_a_missing_column_is_named() -> None:
    with pytest.raises(ImportProblems) as caught:
        parse_roster("name,email,school\nAna,ana@x.org,NORTH\n", "roster.csv", SCHOOLS)
    assert "missing column(s) roles" in caught.value.problems[0].message


def test_problems_stop_after_fifty() -> None:
    found = problems("".join(f"P{i},bad{i},NORTH,teacher,,,\n" for i in range(80)))
    assert len(found) == 51
    assert "stopped after 50" in found[-1].message


async def test_a_bad_file_imports_nobody(district: Services, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        HEADER + "New One,new@testville.example,NORTH,teacher,,,\nBroken,broken,NORTH,teacher,,,\n"
    )
    before = await _people(district)
    with pytest.raises(ImportProblems):
        read_roster(path, SCHOOLS)
    assert await _people(district) == before


async def _people(services: Services) -> int:
    async with services.db.read() as session:
        return await session.scalar(select(func.count()).select_from(Person)) or 0


async def test_reimporting_the_same_roster_changes_nothing(district: Services) -> None:
    rows = read_roster(FIXTURE, SCHOOLS)
    result = await district.roster.load("testville", rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(rows))
    assert await _people(district) == len(rows)


async def test_reimport_updates_in_place_and_keeps_history(
    district: Services, tmp_path: Path
) -> None:
    pursuit = await planned(district, ANA)
    ana_before = await actor(district, ANA)
    text = FIXTURE.read_text().replace(
        "Ana Teacher,ana@testville.example,NORTH,teacher,",
        "Ana Moreno,ANA@TESTVILLE.EXAMPLE,SOUTH,teacher;facilitator,",
    )
    text = "\n".join(line for line in text.splitlines() if not line.startswith("Ben "))
    path = tmp_path / "roster.csv"
    path.write_text(text + "\n")
    result = await district.roster.load("testville", read_roster(path, SCHOOLS))
    assert (result.created, result.updated, result.not_in_file) == (0, 1, 1)
    ana_after = await actor(district, ANA)
    assert ana_after.person_id == ana_before.person_id
    assert ana_after.name == "Ana Moreno"
    async with district.db.read() as session:
        event = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "roster_update", AuditEvent.subject_id == ana_after.person_id
            )
        )
        kept = await session.get(Pursuit, pursuit)
        ben = await session.scalar(select(Person).where(Person.email == "ben@testville.example"))
    assert event is not None
    assert event.details["name"] == ["Ana Teacher", "Ana Moreno"]
    assert kept is not None
    assert kept.state == "planning"
    assert ben is not None  # missing from the file, still there
    assert {(g.role.value, g.school_id is None) for g in ana_after.grants} == {
        ("teacher", False),
        ("facilitator", True),
    }
    assert event.details["school_id"][0] != event.details["school_id"][1]  # moved school
