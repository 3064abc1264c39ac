"""Socket Mode through `coachbot run`'s Slack runner: the real slack-bolt Socket Mode handler
connects to the fake Slack's websocket, acks an envelope and answers in the person's DM."""

from __future__ import annotations

import asyncio

import pytest

from adapters.slack.platform import PLATFORM
from coachbot.composition import Services
from tests.adapters.slack.conftest import ANA_U
from tests.adapters.slack.fake_slack import TEAM, TOKEN, FakeSlack

APP_TOKEN = "xapp-test-app-token"
WAIT = 30  # seconds before a hang counts as a failure; nothing waits for time itself


async def test_socket_mode_acks_and_answers(
    district: Services, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    for name, value in (("SLACK_BOT_TOKEN", TOKEN), ("SLACK_APP_TOKEN", APP_TOKEN),
                        ("COACHBOT_SLACK_API_URL", fake.url)):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.delenv("SLACK_CLIENT_ID", raising=False)
    fake.tokens[APP_TOKEN] = TEAM
    assert PLATFORM.configured()

    running = asyncio.create_task(PLATFORM.run(district))
    try:
        await fake.envelopes.put({
            "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
            "payload": {"team_id": TEAM, "user_id": ANA_U, "command": "/coach",
                        "text": "help", "trigger_id": "1.socket.trigger",
                        "channel_id": "C0GENERAL", "api_app_id": "A0COACH"},
        })
        acks = await asyncio.wait_for(fake.wait_for_acks(1), WAIT)
        assert acks[0]["envelope_id"] == "env-1"
        posted = await asyncio.wait_for(fake.wait_for("chat.postMessage"), WAIT)
        assert posted[0].args["channel"] == "D" + ANA_U
        assert "status" in posted[0].args["blocks"][0]["text"]["text"]
        assert fake.called("apps.connections.open")[0].token == APP_TOKEN
    finally:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
