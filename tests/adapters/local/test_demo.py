"""`make demo` plays the same semester for the same seed, through the real core."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.local.demo import run_demo


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
    # nudges went out in the semester, and never at night or over a weekend
    ticks = [line for line in first.splitlines() if "  CoachBot: " in line]
    assert ticks
    assert "A friendly heads-up" in first
    for line in ticks:
        weekday, _, _, clock = line.split()[:4]
        assert weekday not in {"Sat", "Sun"}, line
        assert "07:30" <= clock < "19:00", line


def test_another_seed_plays_another_semester(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_demo(tmp_path / "a.db", seed=1, weeks=6)
    one = capsys.readouterr().out
    run_demo(tmp_path / "b.db", seed=2, weeks=6)
    assert capsys.readouterr().out != one
