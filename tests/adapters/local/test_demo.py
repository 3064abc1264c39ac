"""`make demo` plays the same semester for the same seed, through the real core."""

from __future__ import annotations

import csv
import itertools
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.local.demo import run_demo
from coachbot.settings import REPO_ROOT


def test_the_semester_is_the_same_for_the_same_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_demo(tmp_path / "one.db", seed=3, weeks=16)
    first = capsys.readouterr().out
    run_demo(tmp_path / "two.db", seed=3, weeks=16)
    second = capsys.readouterr().out
    assert first == second
    assert "for your official review" in first
    assert "feedback on your draft" in first
    assert "not yet, and that's part of the process" in first
    assert "#celebrations: Please join us in congratulating" in first
    assert "Earned:" in first.split("End of the semester")[1]
    assert "Sorry" not in first
    assert "Traceback" not in first
    # nudges went out in the semester, and never at night or over a weekend, in the time zone
    # of whoever received them (the transcript shows the district's time)
    zones = _roster_zones()
    lines = first.splitlines()
    ticks = [i for i, line in enumerate(lines) if "  CoachBot: " in line]
    assert ticks
    assert "A friendly heads-up" in first
    for i in ticks:
        when = datetime.strptime(f"2026 {lines[i][:16]}", "%Y %a %b %d %H:%M")
        sent = when.replace(tzinfo=DISTRICT_ZONE)
        for received in itertools.takewhile(lambda r: r.startswith("-> "), lines[i + 1 :]):
            name = received[3:].split(":", 1)[0]
            local = sent.astimezone(zones.get(name, DISTRICT_ZONE))
            assert local.weekday() < 5, (lines[i], received)
            assert "07:30" <= f"{local:%H:%M}" < "19:00", (lines[i], received, local)


DISTRICT_ZONE = ZoneInfo("America/Chicago")  # examples/lakeview/catalog.yaml


def _roster_zones() -> dict[str, ZoneInfo]:
    with (REPO_ROOT / "examples" / "lakeview" / "roster.csv").open() as roster:
        return {
            row["name"]: ZoneInfo(row["timezone"])
            for row in csv.DictReader(roster)
            if row["timezone"]
        }


def test_another_seed_plays_another_semester(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_demo(tmp_path / "a.db", seed=1, weeks=6)
    one = capsys.readouterr().out
    run_demo(tmp_path / "b.db", seed=2, weeks=6)
    assert capsys.readouterr().out != one
