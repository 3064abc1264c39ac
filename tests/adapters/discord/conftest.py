"""Fixtures: the fake Discord (REST and gateway) and a room of Discord people talking to the
real discord.py client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from coachbot.composition import Services
from coachbot.platform.contract import Accounts
from coachbot.services.district.accounts import AccountLinks
from tests.adapters.discord.fake_discord import GUILD, FakeDiscord
from tests.adapters.discord.harness import DiscordRoom

ANA, FAY, GIL, DEE = ("310000000000000001", "310000000000000002", "310000000000000003",
                      "310000000000000004")
BEN = "123456789012345678"  # on the roster's discord_id column
PEOPLE = {ANA: "ana@testville.example", FAY: "fay@testville.example",
          GIL: "gil@testville.example", DEE: "dee@testville.example"}


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    discord = FakeDiscord()
    await discord.start()
    yield discord
    await discord.stop()


@pytest.fixture
async def linked(district: Services) -> Services:
    """The test district's Discord server linked, and its people's Discord ids on the roster."""
    linked = await Accounts(district, "discord").link_workspace(GUILD, None, match_by_email=False)
    links = AccountLinks(district.db, district.clock)
    for account, email in PEOPLE.items():
        assert await links.link_by_email("discord", linked.district_id, email, account)
    return district


@pytest.fixture
async def room(linked: Services, fake: FakeDiscord) -> AsyncIterator[DiscordRoom]:
    started = await DiscordRoom(linked, fake).start()
    yield started
    await started.stop()
