"""A district's school calendar: breaks and holidays with no nudges.

Accepts an iCalendar file (.ics, as exported by most district calendars: every all-day event is a
day with no nudges; DTEND is exclusive, as the standard says) or a CSV with name,starts,ends.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar

from coachbot.importing.csv_text import dict_reader
from coachbot.importing.explain import unreadable
from coachbot.importing.problems import ImportProblems, Problem


@dataclass(frozen=True)
class Break:
    name: str
    starts_on: date
    ends_on: date  # inclusive


def read_calendar(path: Path) -> list[Break]:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportProblems([replace(unreadable(exc, "CSV"), file=name)]) from None
    if path.suffix.lower() == ".ics":
        return _from_ics(raw, name)
    return _from_csv(raw.decode("utf-8-sig", errors="replace"), name)


def _from_ics(raw: bytes, name: str) -> list[Break]:
    try:
        calendar = Calendar.from_ical(raw)
    except ValueError:
        raise ImportProblems([Problem(name, 1, "", "this is not an iCalendar file; export the "
                                                   "calendar again as .ics (iCalendar), or "
                                                   "write a CSV with name,starts,ends")]) from None
    breaks = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART", None)
        if start is None or isinstance(start, datetime):
            continue  # timed events (a meeting at 4pm) do not close a school day
        end = event.decoded("DTEND", None)
        last = (end - timedelta(days=1)) if isinstance(end, date) and end > start else start
        breaks.append(Break(str(event.get("SUMMARY", "Break")), start, last))
    if not breaks:
        raise ImportProblems([Problem(name, 1, "", "no all-day events found; breaks and "
                                                   "holidays must be all-day events")])
    return sorted(breaks, key=lambda b: b.starts_on)


def _from_csv(text: str, name: str) -> list[Break]:
    reader = dict_reader(text)
    if {"name", "starts", "ends"} - set(reader.fieldnames or []):
        raise ImportProblems([Problem(name, 1, "header", "the header must be name,starts,ends")])
    breaks, problems = [], []
    for record in reader:
        line = reader.line_num
        try:
            starts = date.fromisoformat((record.get("starts") or "").strip())
            ends = date.fromisoformat((record.get("ends") or "").strip())
        except ValueError:
            problems.append(Problem(name, line, "starts/ends",
                                    "write dates as YYYY-MM-DD, like 2026-12-21"))
            continue
        if ends < starts:
            problems.append(Problem(name, line, "ends", "the break ends before it starts; "
                                                        "swap the dates"))
            continue
        breaks.append(Break((record.get("name") or "Break").strip(), starts, ends))
    if problems:
        raise ImportProblems(problems)
    return breaks
