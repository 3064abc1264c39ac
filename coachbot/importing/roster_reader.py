"""Read a roster CSV (name, email, school, roles, timezone, slack_id, discord_id).

Every row is checked before anything is stored; all problems come back at once, each with its
line, so a district fixes the file in one pass and a bad file changes nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email

from coachbot.domain.roles import Role, parse_roles
from coachbot.importing.csv_text import dict_reader
from coachbot.importing.explain import unreadable
from coachbot.importing.problems import ImportProblems, Problem

REQUIRED_COLUMNS = ("name", "email", "school", "roles")
OPTIONAL_COLUMNS = ("timezone", "slack_id", "discord_id")
SLACK_ID = re.compile(r"^[UW][A-Z0-9]{5,20}$")
DISCORD_ID = re.compile(r"^[0-9]{15,21}$")
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    email: str  # normalised lower-case
    school_code: str | None
    roles: tuple[Role, ...]
    timezone: str | None
    slack_id: str | None
    discord_id: str | None


def _zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def read_roster(path: Path, school_codes: set[str]) -> list[RosterRow]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblems([replace(unreadable(exc, "CSV"), file=name)]) from None
    return parse_roster(text, name, school_codes)


def parse_roster(text: str, name: str, school_codes: set[str]) -> list[RosterRow]:
    reader = dict_reader(text)
    header = list(reader.fieldnames or [])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportProblems(
            [
                Problem(
                    name,
                    1,
                    "header",
                    f"missing column(s) {', '.join(missing)}; the header must be "
                    f"{','.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}",
                )
            ]
        )
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        row, row_problems = _check_row(record, line, name, school_codes)
        problems.extend(row_problems)
        if row is not None:
            if row.email in seen:
                problems.append(
                    Problem(
                        name,
                        line,
                        "email",
                        f"{row.email} is also on line {seen[row.email]}; keep one row per person",
                    )
                )
            seen[row.email] = line
            rows.append(row)
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(name, line, "", "stopped after 50 problems; fix these first"))
            break
    if problems:
        raise ImportProblems(problems)
    if not rows:
        raise ImportProblems([Problem(name, 1, "", "the roster has no people in it")])
    return rows


# A plain dot-atom local part (what nearly every district address is). Anything else goes
# through the full validator.
SIMPLE_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


@functools.lru_cache(maxsize=256)
def _domain_ok(domain: str) -> str | None:
    """The normalised domain, validated once: a roster has few domains and many people."""
    try:
        return validate_email(f"x@{domain}", check_deliverability=False).domain.lower()
    except EmailNotValidError:
        return None


def normalised_email(text: str) -> str | None:
    """The lower-case address, or None when ``text`` is not an email address."""
    local, at, domain = text.rpartition("@")
    if at and len(local) <= 64 and SIMPLE_LOCAL.match(local):
        good = _domain_ok(domain)
        return f"{local.lower()}@{good}" if good else None
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def _cell(record: dict[str, str | None], key: str) -> str:
    return (record.get(key) or "").strip()


def _check_row(
    record: dict[str, str | None], line: int, file: str, school_codes: set[str]
) -> tuple[RosterRow | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(file, line, column, message))

    person = _cell(record, "name")
    if not person:
        problem("name", "the name is empty; write the person's full name")
    elif len(person) > 200:
        problem("name", "the name is longer than 200 characters; shorten it")
    email = _cell(record, "email")
    normal = normalised_email(email)
    if normal is None:
        problem("email", f"'{email}' is not an email address; write one like name@district.org")
    else:
        email = normal
    try:
        roles = tuple(parse_roles(_cell(record, "roles")))
    except ValueError as exc:
        problem("roles", str(exc))
        roles = ()
    if not roles and not any(p.where == "roles" for p in problems):
        problem(
            "roles",
            "no role given; write teacher, facilitator, school_admin or "
            "district_admin (several separated by ';')",
        )
    school = _cell(record, "school") or None
    if school and school not in school_codes:
        problem(
            "school",
            f"'{school}' is not a school of this district; use one of "
            f"{', '.join(sorted(school_codes))}",
        )
    if school is None and roles and set(roles) != {Role.DISTRICT_ADMIN}:
        problem("school", "only district admins may have no school; add the school code")
    tz = _cell(record, "timezone") or None
    if tz and not _zone(tz):
        problem(
            "timezone",
            f"'{tz}' is not a time zone; use a name like America/Chicago "
            "or leave it empty for the district's",
        )
    slack = _cell(record, "slack_id") or None
    if slack and not SLACK_ID.match(slack):
        problem(
            "slack_id",
            f"'{slack}' is not a Slack member id (like U04ABC123); "
            "copy it from the person's Slack profile or leave it empty",
        )
    discord = _cell(record, "discord_id") or None
    if discord and not DISCORD_ID.match(discord):
        problem(
            "discord_id",
            f"'{discord}' is not a Discord user id (a long number); leave it empty if unknown",
        )
    if problems:
        return None, problems
    return RosterRow(line, person, email, school, roles, tz, slack, discord), []
