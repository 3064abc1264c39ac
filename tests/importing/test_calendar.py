"""School breaks from an .ics or a CSV: no reminders on those days, deadlines in them flagged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.importing.calendar_reader import read_calendar
from coachbot.importing.problems import ImportProblems
from coachbot.storage.models import MilestoneRow, NudgeRow, WorkPlan
from tests.helpers import ANA

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Testville//School calendar//EN
BEGIN:VEVENT
UID:1@testville
SUMMARY:Fall break
DTSTART;VALUE=DATE:20261012
DTEND;VALUE=DATE:20261017
END:VEVENT
BEGIN:VEVENT
UID:2@testville
SUMMARY:Staff meeting
DTSTART:20261020T210000Z
DTEND:20261020T220000Z
END:VEVENT
BEGIN:VEVENT
UID:3@testville
SUMMARY:Veterans Day
DTSTART;VALUE=DATE:20261111
END:VEVENT
END:VCALENDAR
"""


def test_all_day_events_are_breaks_and_timed_ones_are_not(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    path.write_text(ICS)
    breaks = read_calendar(path)
    assert [(b.name, b.starts_on, b.ends_on) for b in breaks] == [
        ("Fall break", date(2026, 10, 12), date(2026, 10, 16)),  # DTEND is exclusive
        ("Veterans Day", date(2026, 11, 11), date(2026, 11, 11)),
    ]


def test_a_csv_of_breaks_names_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "breaks.csv"
    path.write_text("name,starts,ends\nWinter,2026-12-21,2027-01-01\nOops,next week,2027-01-01\n")
    with pytest.raises(ImportProblems) as caught:
        read_calendar(path)
    assert caught.value.problems[0].line == 3
    assert "YYYY-MM-DD" in caught.value.problems[0].message


async def test_no_reminders_in_a_break_and_deadlines_in_it_are_flagged(
    district: Services, tmp_path: Path
) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    async with district.db.write() as session:
        plan = await session.scalar(select(WorkPlan))
        assert plan is not None
        plan.deadline = date(2026, 10, 14)
        first = await session.scalar(select(MilestoneRow).order_by(MilestoneRow.position))
        assert first is not None
        first.due_on = date(2026, 10, 15)
    path = tmp_path / "calendar.ics"
    path.write_text(ICS)
    result = await district.calendar.load("testville", read_calendar(path))
    assert [(f.what, f.title, f.in_break) for f in result.flagged] == [
        ("deadline", "Questioning for Discourse", "Fall break")
    ]
    chicago = ZoneInfo("America/Chicago")
    district.clock.set(datetime(2026, 10, 13, 9, 0, tzinfo=chicago).astimezone(UTC))
    nudging = build_nudging(district, room)
    await nudging.sweep.run()
    result_now = await nudging.dispatcher.run_once()
    assert result_now.sent == 0
    async with district.db.read() as session:
        row = await session.scalar(select(NudgeRow).where(NudgeRow.kind == "milestone_soon"))
    assert row is not None
    resumes = row.deliver_at.astimezone(chicago)
    assert (resumes.date(), resumes.hour, resumes.minute) == (date(2026, 10, 19), 7, 30)
    assert resumes - district.clock.now().astimezone(chicago) > timedelta(days=5)
