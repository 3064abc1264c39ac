"""The `coachbot` command reads as plain words in a terminal: no chat markup, no empty database
made by a command that only reads, and logs where COACHBOT_LOG_FILE says."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coachbot.cli.main import app, plug_in_adapters
from coachbot.logs import OURS
from coachbot.settings import REPO_ROOT

EXAMPLE = REPO_ROOT / "examples" / "lakeview"
DAVID = "david.harris@lakeview.k12.example"


@pytest.fixture
def our_log_handler_removed() -> Iterator[None]:
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == OURS]:
        root.removeHandler(handler)
        handler.close()


@pytest.mark.parametrize(
    "command",
    [["status"], ["status", "--teacher", DAVID], ["nudges"], ["nudges", "--dead"],
     ["import", "roster", str(EXAMPLE / "roster.csv")], ["chat", "--as", DAVID]],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_reading_command_never_creates_a_database(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the chat's log file lands here
    plug_in_adapters()
    database = tmp_path / "typo.db"
    env = {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    result = CliRunner().invoke(app, command, env=env, input="")
    assert result.exit_code == 1
    assert f"There is no database at {database} yet" in result.output
    assert "coachbot init" in result.output and "make demo" in result.output
    assert "Traceback" not in result.output
    assert not database.exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix != ".log"]


def test_status_is_plain_text_and_logs_go_where_they_are_told(
    tmp_path: Path, our_log_handler_removed: None
) -> None:
    log_file = tmp_path / "coachbot.log"
    env = {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
           "COACHBOT_LOG_FILE": str(log_file), "COACHBOT_LOG_LEVEL": "INFO"}
    runner = CliRunner()
    for command in (["init"], ["import", "catalog", str(EXAMPLE / "catalog.yaml")],
                    ["import", "roster", str(EXAMPLE / "roster.csv")]):
        assert runner.invoke(app, command, env=env).exit_code == 0
    out = runner.invoke(app, ["status", "--teacher", DAVID.upper()], env=env).output
    assert out.startswith(f"David Harris ({DAVID})")
    assert "*" not in out and "<" not in out
    assert " INFO " not in out
    assert " INFO " in log_file.read_text()  # the commands logged, to the file they were given


def test_errors_in_the_terminal_carry_no_chat_markup(tmp_path: Path) -> None:
    env = {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    runner = CliRunner()
    runner.invoke(app, ["init"], env=env)
    runner.invoke(app, ["import", "catalog", str(EXAMPLE / "catalog.yaml")], env=env)
    result = runner.invoke(app, ["status", "--teacher", "nobody@lakeview.k12.example"], env=env)
    assert result.exit_code == 1
    assert result.output.strip()
    assert "*" not in result.output
