"""Which bot token speaks for a workspace, a district or a person.

One workspace (``SLACK_BOT_TOKEN``): always that token. Several (OAuth installs, each stored by
slack_sdk's installation store in our database): the token installed in the person's or the
district's workspace, found through the workspace links (``coachbot slack link``).
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from adapters.slack.web import SlackWeb
from coachbot.platform.contract import Accounts


class Workspaces:
    def __init__(self, accounts: Accounts, installations: AsyncInstallationStore | None) -> None:
        self.accounts, self.installations = accounts, installations

    async def for_team(self, web: SlackWeb, team_id: str) -> SlackWeb | None:
        if self.installations is None:
            return web
        found = await self.installations.async_find_bot(enterprise_id=None, team_id=team_id)
        return web.for_token(found.bot_token) if found and found.bot_token else None

    async def _first(self, web: SlackWeb, teams: list[str]) -> SlackWeb | None:
        for team in teams:
            found = await self.for_team(web, team)
            if found is not None:
                return found
        return None

    async def for_district(self, web: SlackWeb, district_id: int) -> SlackWeb | None:
        if self.installations is None:
            return web
        return await self._first(web, await self.accounts.workspaces_of_district(district_id))

    async def for_person(self, web: SlackWeb, person_id: int) -> SlackWeb | None:
        if self.installations is None:
            return web
        return await self._first(web, await self.accounts.workspaces_of_person(person_id))
