"""Who is who: Slack users matched to roster people, and workspaces linked to districts.

A person is matched by the Slack id on the roster. Where the district allows it (``coachbot
slack link TEAM --match-by-email``, which needs the ``users:read.email`` scope), someone without
a Slack id on the roster is matched once by their email, and the id is stored, so the lookup is
never repeated.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update

from adapters.slack.web import SlackWeb, slack_error
from coachbot.composition import Services
from coachbot.services.district.districts import pick_district
from coachbot.storage.models import District, Person, WorkspaceLink

log = logging.getLogger("coachbot.slack")
PLATFORM = "slack"


async def link_workspace(
    services: Services, team_id: str, district_slug: str | None, *, match_by_email: bool
) -> tuple[str, str]:
    """Link a Slack workspace to a district (again: updates the link). Returns (team, name)."""
    slug = await pick_district(services.db, district_slug)
    async with services.db.write() as session:
        district = await session.scalar(select(District).where(District.slug == slug))
        assert district is not None  # pick_district found it
        link = await session.get(WorkspaceLink, (PLATFORM, team_id))
        if link is None:
            session.add(WorkspaceLink(platform=PLATFORM, workspace_id=team_id,
                                      district_id=district.id, match_by_email=match_by_email,
                                      linked_at=services.clock.now()))
        else:
            link.district_id, link.match_by_email = district.id, match_by_email
        return team_id, district.name


class Directory:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._slack_ids: dict[int, str] = {}
        self._known: set[str] = set()  # Slack ids already on the roster: no lookup again
        self._districts: dict[str, str] = {}  # a linked workspace's district slug, by team

    async def district_of(self, team_id: str) -> str:
        """The slug of the district a workspace is linked to ("" when it is not): a person is
        looked up in that district only, so the same Slack id on two rosters is never guessed."""
        if not team_id:
            return ""
        if team_id not in self._districts:
            async with self.services.db.read() as session:
                link = await session.get(WorkspaceLink, (PLATFORM, team_id))
                district = await session.get(District, link.district_id) if link else None
            if district is None:
                return ""  # not linked yet: asked again next time (it may be linked meanwhile)
            self._districts[team_id] = district.slug
        return self._districts[team_id]

    async def knows(self, web: SlackWeb, team_id: str, user_id: str) -> bool:
        """Whether ``user_id`` is a roster person, matching them by email first if allowed.

        Only this matching is cached; the conversation still checks each time that the person
        is active on the roster."""
        if user_id in self._known:
            return True
        known = await self._match(web, team_id, user_id)
        if known:
            self._known.add(user_id)
        return known

    async def _match(self, web: SlackWeb, team_id: str, user_id: str) -> bool:
        async with self.services.db.read() as session:
            found = await session.scalar(
                select(Person.id).where(Person.slack_user_id == user_id, Person.active.is_(True))
            )
            link = await session.get(WorkspaceLink, (PLATFORM, team_id)) if team_id else None
        if found is not None:
            return True
        if link is None or not link.match_by_email:
            return False
        email = await self._email_of(web, user_id)
        if not email:
            return False
        async with self.services.db.write() as session:
            result = await session.execute(
                update(Person)
                .where(Person.district_id == link.district_id, Person.email == email,
                       Person.slack_user_id.is_(None), Person.active.is_(True))
                .values(slack_user_id=user_id, updated_at=self.services.clock.now())
            )
        return bool(result.rowcount)

    async def slack_id_of(self, web: SlackWeb, person_id: int) -> str | None:
        """The person's Slack id: from the roster, or found by email where that is allowed."""
        if person_id in self._slack_ids:
            return self._slack_ids[person_id]
        async with self.services.db.read() as session:
            person = await session.get(Person, person_id)
            if person is None or not person.active:
                return None
            links = list(await session.scalars(
                select(WorkspaceLink).where(WorkspaceLink.platform == PLATFORM,
                                            WorkspaceLink.district_id == person.district_id,
                                            WorkspaceLink.match_by_email.is_(True))
            ))
            slack_id, email = person.slack_user_id, person.email
        if slack_id is None and links:
            slack_id = await self._user_by_email(web, email)
            if slack_id is not None:
                await self._remember(person_id, slack_id)
        if slack_id is not None:
            self._slack_ids[person_id] = slack_id
        return slack_id

    async def _remember(self, person_id: int, slack_id: str) -> None:
        async with self.services.db.write() as session:
            await session.execute(
                update(Person)
                .where(Person.id == person_id, Person.slack_user_id.is_(None))
                .values(slack_user_id=slack_id, updated_at=self.services.clock.now())
            )

    async def _email_of(self, web: SlackWeb, user_id: str) -> str | None:
        try:
            info = await web.client.users_info(user=user_id, **web.auth)
        except SlackApiError as exc:
            log.warning("users.info for %s: %s", user_id, slack_error(exc))
            return None
        profile = (info.get("user") or {}).get("profile") or {}
        email = profile.get("email")
        return str(email).strip().lower() if email else None

    async def _user_by_email(self, web: SlackWeb, email: str) -> str | None:
        try:
            found = await web.client.users_lookupByEmail(email=email, **web.auth)
        except SlackApiError as exc:
            log.info("users.lookupByEmail: %s", slack_error(exc))
            return None
        return str((found.get("user") or {}).get("id") or "") or None

