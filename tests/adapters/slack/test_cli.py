"""`coachbot run` and `coachbot slack link` as an admin uses them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.slack.platform import PLATFORM
from adapters.slack.settings import SlackSettings
from coachbot.cli.main import app, plug_in_adapters
from tests.conftest import FIXTURES

SLACK_NAMES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID",
               "SLACK_CLIENT_SECRET", "COACHBOT_SLACK_API_URL")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for name in SLACK_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    plug_in_adapters()
    runner = CliRunner()
    env = {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
           "COACHBOT_LOG_LEVEL": "WARNING"}

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args), env=env)
        return result.exit_code, result.output

    return invoke


def test_run_with_nothing_configured_says_exactly_what_to_set(cli) -> None:  # type: ignore
    code, out = cli("run")
    assert code == 2
    assert "Socket Mode (no public URL needed): SLACK_BOT_TOKEN, SLACK_APP_TOKEN" in out
    assert "HTTP mode: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET" in out
    assert "(OAuth installs): SLACK_SIGNING_SECRET, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET" in out
    assert "Traceback" not in out


def test_which_settings_make_slack_configured(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in SLACK_NAMES:
        monkeypatch.delenv(name, raising=False)
    assert not PLATFORM.configured()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert not PLATFORM.configured()  # a token alone cannot receive anything
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "  ")
    assert not PLATFORM.configured()  # blank is not set
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    assert PLATFORM.configured() and SlackSettings().http_mode
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert SlackSettings().socket_mode
    monkeypatch.setenv("COACHBOT_SLACK_API_URL", "http://127.0.0.1:9/api")
    assert SlackSettings().base_url == "http://127.0.0.1:9/api/"


def test_linking_a_workspace_to_the_district(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init")[0] == 0
    assert cli("import", "catalog", str(FIXTURES / "small_catalog.yaml"))[0] == 0
    code, out = cli("slack", "link", "T0TESTVILLE", "--match-by-email")
    assert code == 0
    assert "T0TESTVILLE is now linked to Testville School District" in out
    assert "matched by their email" in out
    code, out = cli("slack", "link", "T0TESTVILLE", "--district", "nowhere")
    assert code == 1
    assert "Traceback" not in out


def test_run_logs_only_to_the_log_file_it_is_given(tmp_path: Path) -> None:
    """`coachbot run` as a service manager starts and stops it: every log line in
    COACHBOT_LOG_FILE, none on the terminal."""
    log_file = tmp_path / "run.log"
    database = tmp_path / "run.db"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COACHBOT_", "SLACK_"))}
    env |= {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "COACHBOT_LOG_FILE": str(log_file), "COACHBOT_LOG_LEVEL": "INFO",
            "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
            "COACHBOT_SLACK_HOST": "127.0.0.1", "COACHBOT_SLACK_PORT": str(free_port()),
            "COACHBOT_SLACK_API_URL": "http://127.0.0.1:9/",
            "COACHBOT_WEB_PORT": str(free_port())}  # never the default: tests run side by side
    program = str(Path(sys.executable).with_name("coachbot"))
    subprocess.run([program, "init"], env=env, cwd=tmp_path, check=True, capture_output=True)
    log_file.unlink()
    server = subprocess.Popen([program, "run"], env=env, cwd=tmp_path, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "HTTP mode" not in (
            log_file.read_text() if log_file.exists() else ""
        ):
            time.sleep(0.2)
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert "Slack: HTTP mode on 127.0.0.1" in log_file.read_text()
    assert "listening on Slack" in out and "stopped" in out
    assert err == ""
    assert " INFO " not in out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_on_a_port_already_taken_says_which_setting_moves_it(tmp_path: Path) -> None:
    """Another program on the file links' port: a sentence naming the port and the setting,
    never "something went wrong" with a reference."""
    database = tmp_path / "run.db"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COACHBOT_", "SLACK_"))}
        env |= {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
                "COACHBOT_LOG_FILE": str(tmp_path / "run.log"),
                "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
                "COACHBOT_SLACK_HOST": "127.0.0.1", "COACHBOT_SLACK_PORT": str(free_port()),
                "COACHBOT_SLACK_API_URL": "http://127.0.0.1:9/",
                "COACHBOT_WEB_HOST": "127.0.0.1", "COACHBOT_WEB_PORT": str(port)}
        program = str(Path(sys.executable).with_name("coachbot"))
        subprocess.run([program, "init"], env=env, cwd=tmp_path, check=True, capture_output=True)
        done = subprocess.run([program, "run"], env=env, cwd=tmp_path, text=True,
                              capture_output=True, timeout=120)
    said = done.stdout + done.stderr
    assert done.returncode == 1
    assert f"already listening on 127.0.0.1:{port}" in said
    assert "COACHBOT_WEB_PORT" in said
    assert "Traceback" not in said and "went wrong" not in said
