"""What a played demo semester did to its teachers, read back from the demo's SQLite file.

The replay test (and a person comparing two versions) asks the record, not the transcript: which
deadline-day or overdue reminders the weekly cap dropped, which plan steps, review due dates and
sent reminders fell on a weekend or in a school break, and how long a teacher with open work
went without a word from the bot or a facilitator (break days do not count: nobody is written to
then).
"""

from __future__ import annotations

import csv
import itertools
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

URGENT = ("milestone_today", "milestone_overdue", "window_closing")
WORKING = ("planning", "in_progress", "not_yet")  # the next move is the teacher's
ZONE = ZoneInfo("America/Chicago")


@dataclass
class SemesterRecord:
    urgent_dropped: dict[str, int] = field(default_factory=dict)  # by reason
    on_closed_days: list[str] = field(default_factory=list)  # what fell on a weekend or break
    silences: list[tuple[str, int]] = field(default_factory=list)  # (teacher, days) >= 14
    identical_digests: int = 0
    digests: int = 0

    @property
    def capped_urgent(self) -> int:
        return self.urgent_dropped.get("weekly_cap", 0)


def read_breaks(path: Path) -> list[tuple[date, date]]:
    with path.open() as handle:
        return [
            (date.fromisoformat(r["starts"]), date.fromisoformat(r["ends"]))
            for r in csv.DictReader(handle)
        ]


def _utc(raw: str) -> datetime:
    return datetime.fromisoformat(raw).replace(tzinfo=ZoneInfo("UTC"))


def _local_day(raw: str) -> date:
    return _utc(raw).astimezone(ZONE).date()


def read_record(database: Path, breaks: list[tuple[date, date]], end: datetime) -> SemesterRecord:
    def closed(day: date) -> bool:
        return day.weekday() >= 5 or any(a <= day <= b for a, b in breaks)

    def in_break(day: date) -> bool:
        return any(a <= day <= b for a, b in breaks)

    record = SemesterRecord()
    with sqlite3.connect(database) as db:
        for reason, count in db.execute(
            "SELECT dropped_reason, count(*) FROM nudges WHERE status = 'dropped' "
            f"AND kind IN {URGENT} GROUP BY dropped_reason"
        ):
            record.urgent_dropped[reason] = count
        for title, due_on in db.execute("SELECT title, due_on FROM milestones"):
            if closed(date.fromisoformat(due_on)):
                record.on_closed_days.append(f"plan step {title!r} on {due_on}")
        for (deadline,) in db.execute("SELECT deadline FROM work_plans"):
            if closed(date.fromisoformat(deadline)):
                record.on_closed_days.append(f"deadline on {deadline}")
        for review_id, due_at in db.execute("SELECT id, due_at FROM reviews"):
            if closed(_local_day(due_at)):
                record.on_closed_days.append(f"review {review_id} due {due_at}")
        for kind, sent_at, person in db.execute(
            "SELECT kind, sent_at, person_id FROM nudges WHERE status = 'sent'"
        ):
            if closed(_local_day(sent_at)):
                record.on_closed_days.append(f"{kind} to {person} sent {sent_at}")
        digests: dict[int, list[str]] = defaultdict(list)
        for person, params in db.execute(
            "SELECT person_id, params FROM nudges WHERE kind = 'weekly_digest' "
            "AND status = 'sent' ORDER BY sent_at"
        ):
            digests[person].append(params)
        for sent in digests.values():
            record.digests += len(sent)
            record.identical_digests += sum(a == b for a, b in itertools.pairwise(sent))
        names = dict(db.execute("SELECT id, name FROM people"))
        touches: dict[int, list[datetime]] = defaultdict(list)
        for person, sent_at in db.execute(
            "SELECT person_id, sent_at FROM nudges WHERE status = 'sent'"
        ):
            touches[person].append(_utc(sent_at))
        teacher_of = dict(db.execute("SELECT id, teacher_id FROM pursuits"))
        spans: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
        for at, actor, subject, to_state in db.execute(
            "SELECT occurred_at, actor_id, subject_id, to_state FROM audit_events "
            "WHERE subject_type = 'pursuit' ORDER BY id"
        ):
            teacher = teacher_of[subject]
            if actor is not None:
                touches[teacher].append(_utc(at))  # their own move, or a reviewer's
            if to_state:
                spans[subject].append((_utc(at), to_state))
    for pursuit, moves in spans.items():
        teacher = teacher_of[pursuit]
        heard = sorted(touches[teacher])
        for (start, state), (stop, _) in zip(moves, [*moves[1:], (end, "")], strict=True):
            if state not in WORKING:
                continue
            marks = [start, *(t for t in heard if start < t < stop), min(stop, end)]
            for a, b in itertools.pairwise(marks):
                days = sum(
                    not in_break(a.astimezone(ZONE).date() + timedelta(days=n))
                    for n in range((b - a).days)
                )
                if days >= 14:
                    record.silences.append((names[teacher], days))
    return record
