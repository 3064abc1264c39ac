"""`coachbot web` says on the screen where links open and how to stop, and logs to a file as
`coachbot chat` does: a trial read an INFO log line printed under those words."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from coachbot.cli import main
from tests.cli.test_run_serves_files import free_port


def test_web_prints_its_links_and_logs_to_coachbot_web_log(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHBOT_")}
    env |= {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'web.db'}",
            "COACHBOT_WEB_PORT": str(port), "COACHBOT_LOG_LEVEL": "INFO"}  # fmt: skip
    assert CliRunner().invoke(main.app, ["init"], env=env).exit_code == 0
    program = Path(sys.executable).with_name("coachbot")
    web = subprocess.Popen(
        [str(program), "web"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(200):  # until it serves
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
    finally:
        web.send_signal(signal.SIGINT)
        out, err = web.communicate(timeout=20)
    assert f"Links to evidence files open at http://127.0.0.1:{port}. Press Ctrl-C to stop." in out
    assert "INFO" not in out + err, err
    assert "listening on" in (tmp_path / "coachbot-web.log").read_text("utf-8")
