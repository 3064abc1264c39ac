"""People and workspaces by a platform's ids, through the one core service every adapter uses,
on real SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from coachbot.composition import Services
from coachbot.conversation.vocabulary import DirectMessage, Sender
from coachbot.domain.errors import NotFound
from coachbot.platform.contract import Accounts
from coachbot.storage.database import Database
from coachbot.storage.schema import downgrade, upgrade
from tests.helpers import ANA, BEN, GIL

BEN_DISCORD = "123456789012345678"  # on the small roster's discord_id column
GUILD = "998877665544332211"


class Emails:
    """A platform that can read emails (as Slack can with users:read.email)."""

    def __init__(self, known: dict[str, str]) -> None:
        self.known = known
        self.asked: list[str] = []

    async def email_of(self, account_id: str) -> str | None:
        self.asked.append(account_id)
        return self.known.get(account_id)

    async def account_by_email(self, email: str) -> str | None:
        self.asked.append(email)
        return next((a for a, e in self.known.items() if e == email), None)


async def test_any_platform_finds_its_people_by_their_ids(district: Services) -> None:
    ben = await district.people.identify("discord", BEN_DISCORD)
    assert ben.email == BEN
    ana = await district.people.identify("slack", "U0ANA0001")
    assert ana.email == ANA
    with pytest.raises(NotFound):  # a Slack id is not a Discord id
        await district.people.identify("discord", "U0ANA0001")
    assert await Accounts(district, "discord").account_of(ben.person_id, None) == BEN_DISCORD
    assert await Accounts(district, "discord").account_of(ana.person_id, None) is None


async def test_a_guild_linked_to_the_district_places_its_people_there(district: Services) -> None:
    accounts = Accounts(district, "discord")
    event = DirectMessage(Sender("discord", BEN_DISCORD), "hi")
    assert (await accounts.place(event, GUILD, None)).sender.district == ""  # not linked yet
    linked = await accounts.link_workspace(GUILD, None, match_by_email=False)
    assert (linked.district_slug, linked.match_by_email) == ("testville", False)
    assert (await accounts.place(event, GUILD, None)).sender.district == "testville"
    assert await accounts.workspaces_of_district(linked.district_id) == [GUILD]
    # the same guild id means nothing to Slack
    assert await Accounts(district, "slack").district_of(GUILD) == ""


async def test_matching_by_email_happens_once_and_only_where_the_district_allows(
    district: Services,
) -> None:
    gil_account = "777000111222333444"
    emails = Emails({gil_account: GIL})
    accounts = Accounts(district, "discord")
    assert not await accounts.knows(GUILD, gil_account, emails)
    assert emails.asked == []  # no link allowing it: no email is read
    await accounts.link_workspace(GUILD, None, match_by_email=True)
    assert await accounts.knows(GUILD, gil_account, emails)
    assert (await district.people.identify("discord", gil_account)).email == GIL
    # another replica (a fresh service) finds the kept link without asking again
    assert await Accounts(district, "discord").knows(GUILD, gil_account, emails)
    assert emails.asked == [gil_account]


async def test_a_person_without_an_id_is_found_by_email_for_a_reminder(
    district: Services,
) -> None:
    gil = (await district.people.identify("local", GIL)).person_id
    emails = Emails({"777000111222333444": GIL})
    accounts = Accounts(district, "discord")
    assert await accounts.account_of(gil, emails) is None  # the district has not allowed it
    await accounts.link_workspace(GUILD, None, match_by_email=True)
    assert await accounts.account_of(gil, emails) == "777000111222333444"
    assert (await district.people.identify("discord", "777000111222333444")).email == GIL


async def test_the_migration_moves_existing_slack_and_discord_ids(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'moved.db'}")
    try:
        await upgrade(db, "0007")
        async with db.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO districts (id, slug, name, timezone, policy, created_at, updated_at)"
                " VALUES (1, 'd', 'D', 'UTC', '{}', '2026-01-01', '2026-01-01')"))
            await conn.execute(text(
                "INSERT INTO people (id, district_id, email, name, slack_user_id,"
                " discord_user_id, active, created_at, updated_at) VALUES"
                " (1, 1, 'a@d.example', 'A', 'U0A', NULL, 1, '2026-01-01', '2026-01-01'),"
                " (2, 1, 'b@d.example', 'B', NULL, '42', 1, '2026-01-01', '2026-01-01'),"
                " (3, 1, 'c@d.example', 'C', NULL, NULL, 1, '2026-01-01', '2026-01-01')"))
        await upgrade(db)
        async with db.engine.begin() as conn:
            moved = (await conn.execute(text(
                "SELECT person_id, platform, account_id FROM platform_accounts"
                " ORDER BY person_id"))).all()
        assert [tuple(r) for r in moved] == [(1, "slack", "U0A"), (2, "discord", "42")]
        await downgrade(db, "0007")  # and back: the columns hold them again
        async with db.engine.begin() as conn:
            back = (await conn.execute(text(
                "SELECT slack_user_id, discord_user_id FROM people ORDER BY id"))).all()
        assert [tuple(r) for r in back] == [("U0A", None), (None, "42"), (None, None)]
    finally:
        await db.dispose()
