"""The real discord.py client against the fake Discord: the gateway handshake, /coach answered
within Discord's rules, DMs as conversation, mentions never live."""

from __future__ import annotations

from tests.adapters.discord.conftest import ANA
from tests.adapters.discord.fake_discord import APP_ID, FakeDiscord
from tests.adapters.discord.harness import DiscordRoom


async def test_gateway_handshake_and_rest_base(room: DiscordRoom, fake: FakeDiscord) -> None:
    assert fake.identifies == 1
    assert fake.heartbeats >= 1  # the first heartbeat goes at once, and was acknowledged
    assert fake.called("GET", "/gateway/bot")  # the gateway's address came from the fake
    assert fake.called("GET", "/users/@me")


async def test_coach_help_is_deferred_then_answered(room: DiscordRoom, fake: FakeDiscord) -> None:
    interaction = await room.command(ANA, "help")
    callback = room.callback(interaction)
    assert callback is not None and callback.body["type"] == 5  # deferred, thinking
    assert "status" in room.everything(ANA)  # a teacher's help runs to two messages
    followups = fake.called("POST", f"/webhooks/{APP_ID}/")
    assert followups
    assert all(c.body.get("allowed_mentions") == {"parse": []}
               for c in fake.calls if c.method == "POST" and "content" in c.body)


async def test_a_dm_is_conversation(room: DiscordRoom) -> None:
    await room.dm(ANA, "status")
    assert room.texts(ANA)
