"""Where answers appear in Discord: /coach home shows the core's overview; in a server only the
person sees the answers (ephemeral); past the interaction's token they still arrive, by DM."""

from __future__ import annotations

import pytest

from tests.adapters.discord.conftest import ANA
from tests.adapters.discord.fake_discord import APP_ID, GUILD, FakeDiscord
from tests.adapters.discord.harness import DiscordRoom, dm_channel

EPHEMERAL = 64
STRANGER = "399999999999999999"


async def test_coach_home_shows_the_overview_and_a_stranger_is_told_what_to_do(
    room: DiscordRoom,
) -> None:
    await room.command(ANA, "home")
    home = room.everything(ANA)
    assert "catalog" in home.lower()
    await room.command(STRANGER, "home")
    assert "Discord user id" in room.last(STRANGER)


async def test_in_a_server_only_the_person_sees_the_answers(
    room: DiscordRoom, fake: FakeDiscord
) -> None:
    interaction = await room.command(ANA, "status", guild=GUILD)
    callback = room.callback(interaction)
    assert callback is not None
    assert callback.body["type"] == 5 and callback.body["data"]["flags"] == EPHEMERAL
    answers = fake.called("POST", f"/webhooks/{APP_ID}/")
    assert answers and all(c.body.get("flags") == EPHEMERAL for c in answers)
    assert not fake.called("POST", f"/channels/{dm_channel(ANA)}/messages")


@pytest.mark.parametrize("status", [401, 404])  # Invalid Webhook Token, Unknown Webhook
async def test_past_the_interactions_token_the_answer_comes_by_dm(
    room: DiscordRoom, fake: FakeDiscord, status: int
) -> None:
    fake.answer_next(f"/webhooks/{APP_ID}/", status=status)  # the token is gone
    await room.command(ANA, "help")
    dms = fake.called("POST", f"/channels/{dm_channel(ANA)}/messages")
    assert dms  # help is long enough to go in more than one message
    assert "status" in " ".join(str(dm.body["content"]) for dm in dms)
    assert all(dm.body["allowed_mentions"] == {"parse": []} for dm in dms)
