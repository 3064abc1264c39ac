"""The clock of a database ``coachbot demo`` played, kept in a small file beside it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from coachbot.clock import Clock, ShiftedClock


def sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names; None for another database (or one in memory)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


DEMO_CLOCK = ".clock"  # beside a demo's SQLite file: how far its semester is ahead of today


def demo_clock_file(database: Path) -> Path:
    return database.with_name(database.name + DEMO_CLOCK)


def demo_clock(url: str) -> Clock | None:
    """The clock of a database ``coachbot demo`` played, when its semester ran ahead of the
    real today; None (the wall clock) for any other database.

    The demo plays a fixed semester (the same seed, the same dates: Sep 8 to Dec 29, 2026, then
    its spring epilogue, a pathway earned and its committee's meeting, to early April 2027) on a
    virtual clock; "the semester's end" below is where that clock stops. Played before that
    day, it leaves credentials issued, deadlines set and reviews done "in the future": a
    hand-run ``credentials verify`` said "not valid yet", and a person chatting on would read
    last week's transcript as next month's. Of the fixes (move the semester to today, which
    changes its dates and school breaks every day; or leave it), the least surprising is to go
    on where the transcript ends: every command on the demo's database runs on a clock that
    starts at the semester's end and moves with real time, the semester stays the same for a
    seed, and no other database is touched. Once the real today passes the semester's end the
    demo writes no shift at all."""
    database = sqlite_file(url)
    if database is None:
        return None
    try:
        saved = json.loads(demo_clock_file(database).read_text("utf-8"))
        shift = timedelta(seconds=float(saved["ahead_seconds"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no demo's clock here (or not one we can read): the wall clock
    return ShiftedClock(shift) if shift > timedelta(0) else None


def save_demo_clock(database: Path, semester_end: datetime, played: datetime) -> None:
    """Beside the demo's database: how far its semester's end is ahead of when it was played
    (nothing when it is not ahead); read back by ``demo_clock``."""
    path = demo_clock_file(database)
    ahead = semester_end - played
    if ahead <= timedelta(0):
        path.unlink(missing_ok=True)
        return
    path.write_text(json.dumps({
        "ahead_seconds": ahead.total_seconds(), "semester_end": semester_end.isoformat(),
        "played_at": played.isoformat(),
        "why": "coachbot demo played a semester ahead of today; commands on this database "
               "go on from its end (see coachbot/cli/runner.py, demo_clock)",
    }, indent=2) + "\n", "utf-8")  # fmt: skip
