"""The `coachbot` command as an admin uses it, against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coachbot.cli.main import app, plug_in_adapters
from coachbot.settings import REPO_ROOT

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXAMPLE = REPO_ROOT / "examples" / "lakeview"


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    plug_in_adapters()
    runner = CliRunner()
    env = {
        "COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "COACHBOT_LOG_LEVEL": "WARNING",
    }

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args), env=env)
        return result.exit_code, result.output

    return invoke


def test_status_before_init_says_what_to_run(cli) -> None:  # type: ignore[no-untyped-def]
    code, out = cli("status")
    assert code == 1
    assert "coachbot init" in out
    assert "Traceback" not in out


def test_a_district_from_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init") == (0, cli("init")[1])  # twice: safe to re-run
    code, out = cli("import", "catalog", str(EXAMPLE / "catalog.yaml"))
    assert code == 0
    assert "16 new" in out
    code, out = cli("import", "roster", str(EXAMPLE / "roster.csv"))
    assert (code, "166 new" in out) == (0, True)
    code, out = cli("import", "roster", str(EXAMPLE / "roster.csv"))
    assert "0 new, 0 updated, 166 unchanged" in out
    code, out = cli("status")
    assert (code, "No one has chosen a credential yet" in out) == (0, True)
    code, out = cli("status", "--teacher", "DAVID.HARRIS@lakeview.k12.example")
    assert code == 0
    assert "David Harris" in out
    assert "No credentials chosen yet" in out


def test_a_bad_catalog_imports_nothing_and_says_why(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    bad = tmp_path / "bad.yaml"
    text = (FIXTURES / "small_catalog.yaml").read_text()
    bad.write_text(text.replace("passing: Proficient", "passing: Proficent", 1))
    line = text[: text.index("passing: Proficient")].count("\n") + 1
    code, out = cli("import", "catalog", str(bad))
    assert code == 1
    assert "Nothing was imported" in out
    assert f"line {line} (credentials[0].rubric.passing)" in out
    code, out = cli("status")
    assert "No one has chosen" in out


def test_an_unknown_teacher_gets_a_friendly_answer(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    cli("import", "catalog", str(FIXTURES / "small_catalog.yaml"))
    code, out = cli("status", "--teacher", "nobody@nowhere.example")
    assert code == 1
    assert 'I couldn\'t find a person "nobody@nowhere.example"' in out
    assert "Traceback" not in out


def test_a_roster_for_an_unknown_school_lists_the_lines(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    cli("import", "catalog", str(FIXTURES / "small_catalog.yaml"))
    roster = tmp_path / "r.csv"
    roster.write_text("name,email,school,roles\nA,a@x.org,WEST,teacher\nB,b,NORTH,teacher\n")
    code, out = cli("import", "roster", str(roster))
    assert code == 1
    assert "r.csv, line 2 (school)" in out
    assert "r.csv, line 3 (email)" in out


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["init"],
        ["import"],
        ["import", "catalog"],
        ["import", "roster"],
        ["status"],
        ["chat"],
        ["demo"],
    ],
)
def test_every_command_explains_itself(cli, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    code, out = cli(*command, "--help")
    assert code == 0
    assert "Usage" in out


def test_a_calendar_import_reports_its_breaks(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    cli("import", "catalog", str(FIXTURES / "small_catalog.yaml"))
    breaks = tmp_path / "breaks.csv"
    breaks.write_text("name,starts,ends\nWinter break,2026-12-21,2027-01-01\n")
    code, out = cli("import", "calendar", str(breaks))
    assert code == 0
    assert "1 break or holiday." in out
    bad = tmp_path / "bad.csv"
    bad.write_text("name,starts,ends\nWinter,soon,2027-01-01\n")
    code, out = cli("import", "calendar", str(bad))
    assert (code, "bad.csv, line 2" in out) == (1, True)
