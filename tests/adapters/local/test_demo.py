"""`make demo` plays the same semester for the same seed, through the real core."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from adapters.local.demo import EXAMPLE, run_demo
from coachbot.cli.demo_clock import demo_clock
from coachbot.cli.main import app, plug_in_adapters
from coachbot.clock import VirtualClock
from coachbot.importing.calendar_reader import read_calendar


def test_the_semester_is_the_same_for_the_same_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_demo(tmp_path / "one.db", seed=2, weeks=16)
    first = capsys.readouterr().out
    run_demo(tmp_path / "two.db", seed=2, weeks=16)
    second = capsys.readouterr().out
    assert first == second
    assert "for your official review" in first
    assert "feedback on your draft" in first
    assert "not yet, and that's part of the process" in first
    # the pre-check holds back a hurried first draft and says exactly what to fix
    assert "Before your draft of" in first
    assert "is really a zip file inside" in first
    assert "Congratulations! You've earned" in first
    # a reviewer opens a handed-in file through its link, once
    assert first.count("through its link http://127.0.0.1:8090/evidence/") == 1
    assert "bytes, the very file the teacher handed in" in first
    # one in ten formal submissions is scored twice, blind, and the admin sees the agreement
    assert "you're the second reviewer" in first
    assert "*Calibration*: 10% of formal submissions are scored twice" in first
    assert "#celebrations: Please join us in congratulating" in first
    assert "Earned:" in first.split("End of the semester")[1]
    # colleagues asked for their view comment, and each comment reaches the teacher
    assert "queue, [Open], [Comment]" in first
    assert "a colleague from your school, shared thoughts on your draft" in first
    asked, delivered = re.search(
        r"\*Peer review\*: (\d+) colleagues? asked .*; (\d+) comments? delivered", first
    ).groups()  # type: ignore[union-attr]
    assert int(delivered) == int(asked) > 0
    assert "Sorry" not in first
    assert "Traceback" not in first
    # what earning brings: the committee approves a pathway's salary step at its quorum, and
    # the demo ends with the first lines of HR's export
    epilogue = first.split("What earning brings.")[1]
    assert "1 of 3 yes so far" in epilogue and "Nothing is granted until the quorum" in epilogue
    assert "Approved: with 3 of 3 yes" in epilogue and "the Salary committee approved" in epilogue
    assert "HR's export (coachbot-demo-ledger-2026-27.csv" in epilogue
    assert first.rstrip().splitlines()[-1].split(",")[11:18] == [
        "salary_step", "", "", "", "", "", "+5% salary supplement",
    ]
    # nudges went out in the semester, and never at night or over a weekend
    # (in each recipient's own time zone: a Denver teacher may hear at 19:30 Chicago time)
    lines = first.splitlines()
    ticks = [i for i, line in enumerate(lines) if "  CoachBot: " in line]
    assert ticks
    assert "A friendly heads-up" in first
    zones = {
        row["name"]: row["timezone"] or "America/Chicago"
        for row in csv.DictReader((EXAMPLE / "roster.csv").open())
    }
    for i in ticks:
        _, month, day, clock = lines[i].split()[:4]
        when = datetime.strptime(f"2026 {month} {day} {clock}", "%Y %b %d %H:%M")
        instant = when.replace(tzinfo=ZoneInfo("America/Chicago"))
        received = (line.strip() for line in lines[i + 1 :])
        for sent in itertools.takewhile(lambda line: line.startswith("->"), received):
            who = sent[3:].split(":")[0]
            if who.startswith("#"):  # a channel's post (held with the earner's news), no one's DM
                continue
            local = instant.astimezone(ZoneInfo(zones[who]))
            assert local.weekday() < 5, sent
            assert "07:30" <= f"{local:%H:%M}" < "19:00", (lines[i], sent)


def test_another_seed_plays_another_semester(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_demo(tmp_path / "a.db", seed=1, weeks=6)
    one = capsys.readouterr().out
    run_demo(tmp_path / "b.db", seed=2, weeks=6)
    assert capsys.readouterr().out != one


def test_the_demo_prints_its_transcript_and_logs_only_to_its_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHBOT_")}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("coachbot")), "demo", "--weeks", "1",
         "--database", str(tmp_path / "demo.db")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300, check=False,
    )
    assert done.returncode == 0
    assert "CoachBot" in done.stdout
    assert done.stderr == ""  # no log line, no warning: the screen is the transcript
    assert (tmp_path / "demo.log").exists()


def test_a_verify_typed_right_after_the_demo_says_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's semester has fixed dates; played before its last day (here, on September 1,
    2026), the credentials it issued at its end are dated ahead of the real today. Typed by hand
    on the demo's database, `coachbot credentials verify` goes on from the semester's end: the
    newest credential is valid, not "not valid yet"."""
    database = tmp_path / "coachbot-demo.db"
    run_demo(database, seed=7, weeks=1, wall=VirtualClock(datetime(2026, 9, 1, tzinfo=UTC)))
    capsys.readouterr()
    with sqlite3.connect(database) as db:
        (newest,) = db.execute(
            "SELECT document FROM issued_credentials ORDER BY issued_at DESC, id DESC LIMIT 1"
        ).fetchone()
    # Whatever the real today, a command on the demo's database lives after the semester.
    after = demo_clock(f"sqlite+aiosqlite:///{database}")
    assert after is not None
    assert after.now() >= datetime.fromisoformat(json.loads(newest)["validFrom"])
    path = tmp_path / "newest.json"
    path.write_text(newest)
    plug_in_adapters()
    env = {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
           "COACHBOT_LOG_LEVEL": "WARNING"}  # fmt: skip
    said = CliRunner().invoke(app, ["credentials", "verify", str(path)], env=env)
    assert "not valid yet" not in said.output
    assert "Verdict: VALID. Every check holds." in said.output, said.output
    assert said.exit_code == 0


def test_playing_as_a_demo_actor_picks_up_their_journey_not_a_welcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After `make demo`, a person acts as one of its teachers: she is mid-journey, so the
    chat opens on where she stands; only someone who never used CoachBot is welcomed."""
    from tests.adapters.local.test_terminal_keys import Terminal

    run_demo(tmp_path / "demo.db", seed=7, weeks=2)
    capsys.readouterr()
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    for email, opening in (("priya.wright@lakeview.k12.example", "where you stand"),
                           ("aisha.chen@lakeview.k12.example", "I'm CoachBot")):
        term = Terminal(url, tmp_path, email)
        try:
            term.wait_for(opening)
            term.type(b"/quit\r")
            assert term.exited()
        finally:
            term.close()
        assert ("I'm CoachBot" in term.text) == (opening == "I'm CoachBot"), term.text[-800:]


def test_every_formal_review_in_the_demo_is_decided_within_three_weeks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make demo`'s semester (seed 7): reviewers work through their queue, including a review
    handed in on a holiday (its notice waits for the next school day) and one moved to them
    after its due date. One review slips and is moved on, once; its teacher still has a
    decision within the review deadline (10 days) plus the district's reassignment bound
    (7 days past due) plus a few school days for the colleague: three weeks."""
    database = tmp_path / "coachbot-demo.db"
    run_demo(database, seed=7, weeks=16)
    shown = capsys.readouterr().out
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT evidence_version_id, status, assigned_at, completed_at FROM reviews "
            "WHERE purpose IN ('official', 'second', 'third') "
            "AND assigned_at < '2026-12-29 16:00'"  # the semester, not the epilogue after it
        ).fetchall()
    by_submission: dict[int, list[tuple[str, datetime, datetime | None]]] = {}
    for version, status, assigned, completed in rows:
        done = datetime.fromisoformat(completed) if completed else None
        by_submission.setdefault(version, []).append(
            (status, datetime.fromisoformat(assigned), done)
        )
    assert len(by_submission) >= 8
    waits = {}
    for version, reviews in by_submission.items():
        assert all(status != "assigned" for status, _, _ in reviews), reviews  # all decided
        decided = max(done for status, _, done in reviews if status == "completed" and done)
        waits[version] = decided - min(assigned for _, assigned, _ in reviews)
    assert max(waits.values()).days < 21, waits
    moved = [r for reviews in by_submission.values() for r in reviews if r[0] == "reassigned"]
    assert len(moved) == 1  # the safety net still shows, once
    assert "so it's yours now" in shown
    longest = max(waits.values()).total_seconds() / 86400
    assert f"Longest wait for a formal decision: {round(longest)} days" in shown
    assert "moved to another reviewer once" in shown
    assert "Every formal submission has its decision." in shown


@pytest.fixture(scope="module")
def seven(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """`make demo`'s semester (seed 7, 16 weeks), played once for the tests that read it."""
    database = tmp_path_factory.mktemp("seven") / "coachbot-demo.db"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run_demo(database, seed=7, weeks=16)
    return out.getvalue(), database


def _shown_days(transcript: str) -> list[date]:
    """The days on the transcript's own lines ("Wed Dec 16 12:05  CoachBot: ...")."""
    found = re.findall(r"^\w{3} (\w{3} \d{2}) \d{2}:\d{2}  ", transcript, re.MULTILINE)
    return [datetime.strptime(f"2026 {d}", "%Y %b %d").date() for d in found]


def test_the_closing_names_the_day_its_quiet_days_are_counted_to(
    seven: tuple[str, Path],
) -> None:
    """A reader counts "quiet for N days" from the closing's day: it is named, it is a school
    day, and it is the semester's end as the transcript shows it (not ten days into the winter
    break, which made 96 days of a transcript that stops at 83)."""
    semester, _ = seven[0].split("What earning brings.")
    named = re.search(r"End of the semester, \w+ (\w{3} \d{2}) \(its last school day\)", semester)
    assert named, semester.split("End of the semester")[1][:200]
    closing_day = datetime.strptime(f"2026 {named.group(1)}", "%Y %b %d").date()
    last_shown = max(_shown_days(semester.split("End of the semester")[0]))
    assert last_shown <= closing_day < last_shown + timedelta(days=7)
    breaks = read_calendar(EXAMPLE / "calendar.csv")
    assert closing_day.weekday() < 5
    assert not any(b.starts_on <= closing_day <= b.ends_on for b in breaks)
    quiet = [int(n) for n in re.findall(r"\((\d+) days\)", semester.split("Quiet for a while")[1])]
    assert quiet and max(quiet) <= (closing_day - date(2026, 9, 8)).days


def test_the_epilogues_awards_are_dated_on_spring_school_days(seven: tuple[str, Path]) -> None:
    """HR's export shows Priya Wright's awards on school days after the winter break, a week
    apart, at after-school hours or in the morning, never in the break or at night."""
    transcript, database = seven
    assert "In the spring semester, Priya Wright earns the 13 credentials" in transcript
    breaks = read_calendar(EXAMPLE / "calendar.csv")
    chicago = ZoneInfo("America/Chicago")
    with sqlite3.connect(database) as db:
        awarded = [
            datetime.fromisoformat(at).replace(tzinfo=UTC).astimezone(chicago)
            for (at,) in db.execute(
                "SELECT a.awarded_at FROM awards a JOIN people p ON p.id = a.teacher_id "
                "WHERE p.email = 'priya.wright@lakeview.k12.example' ORDER BY a.awarded_at"
            )
        ]
    assert len(awarded) == 13
    for when in awarded:
        assert when.weekday() < 5 and 7 <= when.hour < 18, when
        assert not any(b.starts_on <= when.date() <= b.ends_on for b in breaks), when
        assert when.date() > date(2027, 1, 1), when  # after the winter break
    assert len({when.date() for when in awarded}) == 13  # one a week, not all on one day
    dates = [line.split(",")[3] for line in transcript.splitlines() if ",Priya Wright," in line]
    assert dates and all(d >= "2027-01-04" for d in dates)


def test_the_calibration_anchor_candidates_are_listed_in_number_order(
    seven: tuple[str, Path],
) -> None:
    closing = seven[0].split("could serve as an anchor:")[1].split("To run an exercise")[0]
    numbers = [int(n) for n in re.findall(r"^- #(\d+) ", closing, re.MULTILINE)]
    assert len(numbers) >= 2
    assert numbers == sorted(numbers)
