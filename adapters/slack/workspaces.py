"""Which bot token speaks for a workspace, a district or a person.

One workspace (``SLACK_BOT_TOKEN``): always that token. Several (OAuth installs, each stored by
slack_sdk's installation store in our database): the token installed in the person's or the
district's workspace, found through the workspace links (``coachbot slack link``).
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from sqlalchemy import select

from adapters.slack.directory import PLATFORM
from adapters.slack.web import SlackWeb
from coachbot.composition import Services
from coachbot.storage.models import Person, WorkspaceLink


class Workspaces:
    def __init__(self, services: Services, installations: AsyncInstallationStore | None) -> None:
        self.services, self.installations = services, installations

    async def for_team(self, web: SlackWeb, team_id: str) -> SlackWeb | None:
        if self.installations is None:
            return web
        found = await self.installations.async_find_bot(enterprise_id=None, team_id=team_id)
        return web.for_token(found.bot_token) if found and found.bot_token else None

    async def for_district(self, web: SlackWeb, district_id: int) -> SlackWeb | None:
        if self.installations is None:
            return web
        async with self.services.db.read() as session:
            teams = list(await session.scalars(
                select(WorkspaceLink.workspace_id)
                .where(WorkspaceLink.platform == PLATFORM,
                       WorkspaceLink.district_id == district_id)
                .order_by(WorkspaceLink.linked_at)
            ))
        for team in teams:
            found = await self.for_team(web, team)
            if found is not None:
                return found
        return None

    async def for_person(self, web: SlackWeb, person_id: int) -> SlackWeb | None:
        if self.installations is None:
            return web
        async with self.services.db.read() as session:
            district_id = await session.scalar(
                select(Person.district_id).where(Person.id == person_id)
            )
        return None if district_id is None else await self.for_district(web, district_id)
