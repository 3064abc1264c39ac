"""Real dispatcher processes, killed with SIGKILL mid-batch and restarted many times over:
nothing is lost, and a message is repeated at most once per kill (the send succeeded, the
record did not commit: the one window no platform lets us close). On PostgreSQL, two dispatcher
processes at once never send the same message twice."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from coachbot.composition import Services
from coachbot.settings import REPO_ROOT
from coachbot.storage.models import NudgeRow
from tests.helpers import queue_news

MESSAGES = 150


class Platform:
    """A fake chat platform on 127.0.0.1 that records every message it is sent."""

    def __init__(self) -> None:
        self.received: list[str] = []
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length)
                if len(body) < length:  # the sender was killed mid-request: never delivered,
                    return  # as a real platform drops a request cut short
                key = body.decode()
                with lock:
                    received.append(key)
                    number = len(received)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(f"msg-{number}".encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def platform() -> Iterator[Platform]:
    fake = Platform()
    yield fake
    fake.close()


async def _queue(services: Services) -> None:
    await queue_news(services, MESSAGES)


def _child(services: Services, platform: Platform, anchor: float, worker: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.services.nudging.dispatcher_child",
            services.db.url,
            platform.url,
            str(anchor),
            worker,
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def _wait_for(condition: object, child: subprocess.Popen) -> None:
    """Wait until ``condition()`` holds or the child exits (events, not a fixed time)."""
    deadline = time.monotonic() + 60
    while not condition() and child.poll() is None:  # type: ignore[operator]
        assert time.monotonic() < deadline, "the dispatcher made no progress"
        await asyncio.sleep(0.01)


async def test_killed_and_restarted_dispatchers_lose_nothing(
    district: Services, platform: Platform
) -> None:
    await _queue(district)
    rng = random.Random(7)
    anchor = time.time()
    kills = 0
    for round_ in range(12):
        child = _child(district, platform, anchor, f"worker-{round_}")
        target = len(platform.received) + rng.randint(3, 15)
        await _wait_for(lambda t=target: len(platform.received) >= t, child)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait()
    final = _child(district, platform, anchor, "worker-final")
    await asyncio.to_thread(final.wait, 120)
    assert final.returncode == 0, final.stderr.read().decode() if final.stderr else ""
    delivered = Counter(platform.received)
    assert len(delivered) == MESSAGES  # 0 lost
    duplicates = sum(delivered.values()) - MESSAGES
    assert duplicates <= kills, (duplicates, kills)
    async with district.db.read() as session:
        statuses = Counter(await session.scalars(select(NudgeRow.status)))
    assert statuses == {"sent": MESSAGES}
    assert kills >= 5


async def test_two_dispatcher_processes_never_double_send(
    district: Services, platform: Platform
) -> None:
    if district.db.is_sqlite:
        pytest.skip("several replicas need PostgreSQL; on SQLite CoachBot runs one process")
    await _queue(district)
    anchor = time.time()
    children = [_child(district, platform, anchor, name) for name in ("one", "two")]
    for child in children:
        await asyncio.to_thread(child.wait, 120)
        assert child.returncode == 0
    delivered = Counter(platform.received)
    assert len(delivered) == MESSAGES
    assert set(delivered.values()) == {1}
