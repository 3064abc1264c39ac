"""`coachbot run` serves evidence file links beside whichever platform it starts, in whatever
mode that platform connects (the listener is not the platform's: Socket Mode needs it too)."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import socket
from collections.abc import Mapping
from pathlib import Path

import aiohttp
import pytest
from typer.testing import CliRunner

from coachbot.cli import main
from coachbot.cli.platforms import installed_listeners
from coachbot.composition import Services
from coachbot.platform.contract import PlatformLimits


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SocketModeLike:
    """A platform that, like Slack in Socket Mode, opens no port of its own. While it runs it
    asks the file listener for its health, then stops ``coachbot run`` as a service manager
    would (SIGTERM)."""

    name = "socketish"
    limits = PlatformLimits(per_channel=1.0, overall=4.0)

    def __init__(self, port: int) -> None:
        self.port, self.answered, self.frozen = port, 0, 0

    def ways(self) -> Mapping[str, tuple[str, ...]]:
        return {"socket_mode": ()}

    def configured(self) -> bool:
        return True

    async def run(self, services: Services) -> None:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/healthz") as answer:
                        self.answered = answer.status
                        self.frozen = gc.get_freeze_count()  # the listener, once bound
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.Event().wait()


def test_the_file_listener_is_installed() -> None:
    assert [listener.name for listener in installed_listeners()] == ["files"]


def test_run_serves_files_beside_a_platform_that_opens_no_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    platform = SocketModeLike(port)
    monkeypatch.setattr(main, "installed_platforms", lambda: [platform])
    monkeypatch.chdir(tmp_path)
    env = {"COACHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
           "COACHBOT_WEB_PORT": str(port), "COACHBOT_LOG_LEVEL": "WARNING"}
    assert CliRunner().invoke(main.app, ["init"], env=env).exit_code == 0
    result = CliRunner().invoke(main.app, ["run"], env=env)
    assert platform.answered == 200
    # Serving, its start-up is out of full garbage collections (coachbot.platform.heap): no
    # 100-300 ms pause of the loop later, whoever is waiting for an answer then.
    assert platform.frozen > 0
    assert f"Links to evidence files open at http://127.0.0.1:{port}." in result.output
    assert "CoachBot has stopped." in result.output
    assert result.exit_code == 0
