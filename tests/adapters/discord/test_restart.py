"""Buttons outlive the process that sent them: a button sent by one bot process is pressed after
that process stopped, and a NEW process (``coachbot run``, started fresh against the same
database and the same Discord) answers it, since a press is read back from its custom id."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

from tests.adapters.discord.conftest import ANA
from tests.adapters.discord.fake_discord import APP_ID, TOKEN, FakeDiscord
from tests.adapters.discord.harness import DiscordRoom

COACHBOT = Path(sys.executable).parent / "coachbot"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_button_pressed_after_a_restart_is_answered_by_a_new_process(
    room: DiscordRoom, fake: FakeDiscord
) -> None:
    await room.command(ANA, "show", "c-one")
    message, button = next((m, b) for m, b in room.buttons(ANA) if "|choose|" in b["custom_id"])
    await room.stop()  # the first process is gone

    settings = room.services.settings
    env = {**os.environ, "DISCORD_BOT_TOKEN": TOKEN, "COACHBOT_DISCORD_API_URL": fake.url,
           "COACHBOT_DATABASE_URL": settings.database_url,
           "COACHBOT_EVIDENCE_DIR": str(settings.evidence_dir),
           "COACHBOT_WEB_PORT": str(free_port()), "SLACK_BOT_TOKEN": "",
           "SLACK_APP_TOKEN": "", "SLACK_SIGNING_SECRET": ""}
    process = await asyncio.create_subprocess_exec(
        str(COACHBOT), "run", "--platform", "discord", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await room.until_seconds(lambda: fake.identifies == 2, 60)
        before = len(fake.calls)
        payload = room.press_payload(ANA, message, button)
        await fake.dispatch("INTERACTION_CREATE", payload)
        await room.until_seconds(
            lambda: any("Here's a plan" in str(c.body.get("content"))
                        for c in fake.calls[before:]
                        if c.path.startswith(f"/webhooks/{APP_ID}/")), 30)
        callback = room.callback(str(payload["id"]))
        assert callback is not None and callback.body["type"] == 6  # deferred at once
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    # Nothing of ours failed (a stop may cut a database call of the nudge ticker short: the
    # pool logs that, and it is not the adapter's).
    for failure in (b"adapters/discord", b"Ignoring exception", b"work failed"):
        assert failure not in output, output.decode()[-2000:]


async def test_a_modal_opened_before_a_restart_is_understood_after_it(
    room: DiscordRoom, fake: FakeDiscord
) -> None:
    await room.command(ANA, "start")
    await room.press(ANA, "open_form")
    await room.stop()  # the modal is open in Discord; the bot that opened it is gone
    await room.start()  # another process (or replica): it never saw this modal
    await room.submit(ANA, {"timezone": "America/Chicago", "open_to_questions": "yes"})
    assert "America/Chicago" in room.last(ANA)
    assert fake.identifies == 2
