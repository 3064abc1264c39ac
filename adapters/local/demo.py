"""``coachbot demo``: the example district plays a semester on a virtual clock.

Everything happens through the real core and the local adapter: the admin creates a cohort in
chat, teachers onboard, choose, plan, hand in drafts and submissions, facilitators review, some
teachers hear "not yet" and resubmit, earners are announced in the district channel. The
transcript shows who saw what, and when; a progress table closes it.

This module only sets the stage and runs the parts in order: who plays is in ``demo_cast``,
what they do in ``demo_acts`` (the reviewers in ``demo_reviewer_acts``), how it is printed in
``demo_transcript``, the closing figures in ``demo_closing`` and the after-semester epilogue in
``demo_ledger``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from adapters.local.demo_acts import START, Demo
from adapters.local.demo_closing import close_semester, save_first_credential
from adapters.local.demo_ledger import what_earning_brings
from adapters.local.school_days import last_school_day
from coachbot.cli.demo_clock import DEMO_CLOCK, save_demo_clock
from coachbot.clock import Clock, SystemClock, VirtualClock
from coachbot.composition import build
from coachbot.importing.calendar_reader import read_calendar
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.logs import configure_logging
from coachbot.settings import REPO_ROOT, Settings
from coachbot.storage.schema import upgrade

EXAMPLE = REPO_ROOT / "examples" / "lakeview"


def run_demo(
    database: Path, *, seed: int = 7, weeks: int = 16, wall: Clock | None = None
) -> Demo:
    """Play the semester into a fresh SQLite file and print it; returns the played demo (its
    driver holds everything everyone was sent). ``wall``: the real today (the system's clock
    unless a test says otherwise), which the semester's fixed dates may be ahead of."""
    for suffix in ("", "-wal", "-shm", DEMO_CLOCK):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{database}", log_level="WARNING", _env_file=None
    )
    if settings.log_file is None:  # the screen is the transcript: logs go beside the database
        settings = settings.model_copy(update={"log_file": database.with_suffix(".log")})
    configure_logging(settings)
    return asyncio.run(play(settings, seed=seed, weeks=weeks, wall=wall or SystemClock()))


async def play(settings: Settings, *, seed: int, weeks: int, wall: Clock) -> Demo:
    clock = VirtualClock(START)
    services = build(settings, clock)
    try:
        await upgrade(services.db)
        spec = read_catalog(EXAMPLE / "catalog.yaml")
        await services.catalog.load(spec, source="catalog.yaml")
        rows = read_roster(EXAMPLE / "roster.csv", {s.code for s in spec.schools})
        await services.roster.load(spec.slug, rows, source="roster.csv")
        breaks = read_calendar(EXAMPLE / "calendar.csv")
        await services.calendar.load(spec.slug, breaks, source="calendar.csv")
        demo = Demo(services, clock, spec, rows, seed, weeks)
        say = demo.transcript.say
        say(
            "opening",
            district=spec.name,
            people=len(rows),
            credentials=len(spec.credentials),
            teachers=len(demo.cast.teachers),
            weeks=weeks,
            seed=seed,
        )
        say("calendar", breaks=[(b.name, b.starts_on, b.ends_on) for b in breaks])
        demo.plan_semester()
        # The semester ends on its last school day, never inside a break: the closing figures
        # ("quiet for 83 days") are counted to the day the closing names.
        last = last_school_day(START.date() + timedelta(days=weeks * 7), breaks)
        end = demo.script.school_time(last, 16)
        await demo.transcript.play(demo.script, clock, until=end)
        await close_semester(demo)
        database = Path(settings.database_url.split(":///", 1)[1])
        await save_first_credential(demo, database)
        await what_earning_brings(demo, database, breaks)  # ends with HR's export: its first lines
        # The semester is played on fixed dates, whatever today is: commands run on this
        # database afterwards go on from its end (see coachbot.cli.demo_clock).
        await asyncio.to_thread(save_demo_clock, database, clock.now(), wall.now())
        return demo
    finally:
        await services.aclose()
