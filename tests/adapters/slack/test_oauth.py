"""Several workspaces: OAuth v2 installs kept in our database by slack_sdk's stores, each
workspace answered with its own token, and an uninstall that leaves no token behind."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, select

from adapters.slack.settings import SlackSettings
from coachbot.clock import VirtualClock
from coachbot.composition import Services
from coachbot.storage.models import Base, NudgeRow, WorkspaceLink
from coachbot.storage.platforms import slack_bots
from tests.adapters.slack.conftest import ANA_U
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SECRET, SlackRoom
from tests.helpers import NEWS_MORNING, queue_news

TEAM2, TOKEN2 = "T0SECOND", "xoxb-second-workspace"


def test_our_tables_are_the_ones_slack_sdk_uses() -> None:
    theirs = MetaData()
    tables = [
        SQLAlchemyInstallationStore.build_installations_table(theirs, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(theirs, "slack_oauth_states"),
    ]
    for table in tables:
        ours = Base.metadata.tables[table.name]
        assert [(c.name, str(c.type), c.nullable) for c in ours.columns] == [
            (c.name, str(c.type), c.nullable) for c in table.columns
        ]


@pytest.fixture
async def oauth_room(district: Services, fake: FakeSlack) -> AsyncIterator[SlackRoom]:
    fake.tokens.clear()  # no bot token of our own: every workspace installs
    settings = SlackSettings(signing_secret=SECRET, client_id="111.222",
                             client_secret="oauth-secret", api_url=fake.url)
    room = await SlackRoom(district, fake).start(settings)
    yield room
    await room.stop()


async def install(room: SlackRoom, code: str, *, state: str | None = None) -> tuple[int, str]:
    async with room.http.get(f"{room.base}/slack/install") as page:
        assert page.status == 200
        html = await page.text()
        issued = re.search(r"state=([\w-]+)", html)
        assert issued is not None
        cookies = {"slack-app-oauth-state": page.cookies["slack-app-oauth-state"].value}
    query = f"code={code}&state={state or issued.group(1)}"
    async with room.http.get(f"{room.base}/slack/oauth_redirect?{query}",
                             cookies=cookies) as done:
        return done.status, await done.text()


async def test_a_workspace_installs_and_is_answered_with_its_own_token(
    district: Services, oauth_room: SlackRoom, clock: VirtualClock
) -> None:
    fake = oauth_room.fake
    fake.install("code-1", TEAM2, TOKEN2)
    status, _ = await install(oauth_room, "code-1")
    assert status == 200
    assert fake.called("oauth.v2.access")[0].args["code"] == "code-1"
    async with district.db.read() as session:
        stored = (await session.execute(select(slack_bots.c.team_id, slack_bots.c.bot_token)))
        assert list(stored) == [(TEAM2, TOKEN2)]
        link = await session.get(WorkspaceLink, ("slack", TEAM2))
    assert link is not None  # the only district: linked on install

    assert await oauth_room.command(ANA_U, "status", team=TEAM2) == 200
    posted = fake.posts_to("D" + ANA_U)
    assert posted and {c.token for c in posted} == {TOKEN2}

    # Nudges find the token through the person's district and its workspace.
    clock.set(NEWS_MORNING)
    await queue_news(district, 1)
    assert (await oauth_room.slack.nudging().dispatcher.run_once()).sent == 1
    assert fake.posts_to("D" + ANA_U)[-1].token == TOKEN2

    # Uninstalled: the installation and its token are gone; nothing is sent with it again.
    body = oauth_room.event_body(ANA_U, {"type": "app_uninstalled"}, team=TEAM2)
    status, _ = await oauth_room.post(body, "application/json")
    assert status == 200
    async with district.db.read() as session:
        assert list(await session.execute(select(slack_bots.c.team_id))) == []
    await queue_news(district, 1, prefix="later-")
    clock.advance(timedelta(minutes=1))
    before = len(fake.called("chat.postMessage"))
    assert (await oauth_room.slack.nudging().dispatcher.run_once()).dead == 1
    assert len(fake.called("chat.postMessage")) == before
    async with district.db.read() as session:
        dead = await session.scalar(select(NudgeRow.last_error).where(NudgeRow.status == "dead"))
    assert dead == "no_slack_workspace"


async def test_a_forged_state_installs_nothing(district: Services, oauth_room: SlackRoom) -> None:
    oauth_room.fake.install("code-2", TEAM2, TOKEN2)
    status, _ = await install(oauth_room, "code-2", state="forged-state")
    assert status >= 400
    assert oauth_room.fake.called("oauth.v2.access") == []
    async with district.db.read() as session:
        assert list(await session.execute(select(slack_bots.c.team_id))) == []
