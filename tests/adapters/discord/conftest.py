"""Fixtures: the fake Discord (REST and gateway) and a room of Discord people talking to the
real discord.py client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from coachbot.composition import Services
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
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


FIXTURES = Path(__file__).parents[2] / "fixtures"
# Two more rubric criteria for Questioning for Discourse: its review form then has 7 fields,
# more than a Discord modal's 5, so it is asked in pages.
MORE_CRITERIA = """
        - {name: Wait time, description: Students get time to think, evidence: [Reflection]}
        - {name: Follow-up, description: Answers lead to further questions, evidence: [Reflection]}
"""


@pytest.fixture
async def discord_district(services: Services, tmp_path: Path) -> Services:
    """The small test district, with a longer rubric on C-ONE."""
    text = (FIXTURES / "small_catalog.yaml").read_text()
    anchor = "evidence: [Classroom video, Reflection]}\n"
    assert anchor in text
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(text.replace(anchor, anchor + MORE_CRITERIA.lstrip("\n"), 1))
    spec = read_catalog(catalog)
    await services.catalog.load(spec)
    rows = read_roster(FIXTURES / "small_roster.csv", {s.code for s in spec.schools})
    await services.roster.load(spec.slug, rows)
    return services


@pytest.fixture
async def linked(discord_district: Services) -> Services:
    """The test district's Discord server linked, and its people's Discord ids on the roster."""
    district = discord_district
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
