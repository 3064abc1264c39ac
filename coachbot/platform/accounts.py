"""A platform's people and workspaces as the core knows them, for one adapter.

A person is matched by their platform id on the roster. Where the district allows it (a
workspace linked with ``match_by_email``, which needs the platform's permission to read
emails), someone without an id on the roster is matched once by their email through the
adapter's ``EmailLookup``, and the id is kept, so the lookup is never repeated. Events are then
placed in their workspace's district: a person is looked up there only, so the same platform id
on two rosters is never guessed.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Protocol

from coachbot.composition import Services
from coachbot.conversation.vocabulary import Event
from coachbot.services.district.accounts import AccountLinks, Workspace

log = logging.getLogger("coachbot.platform")


class EmailLookup(Protocol):
    """The adapter's way to read emails (None for a platform that cannot)."""

    async def email_of(self, account_id: str) -> str | None:
        """The account's email, lower-case, or None when it cannot be read."""
        ...

    async def account_by_email(self, email: str) -> str | None: ...


class Accounts:
    def __init__(self, services: Services, platform: str) -> None:
        self.links = AccountLinks(services.db, services.clock)
        self.platform = platform
        self._accounts: dict[int, str] = {}  # person id -> account id, found once
        self._known: set[str] = set()  # account ids already on the roster: no lookup again
        self._districts: dict[str, str] = {}  # a linked workspace's district slug

    # -- workspaces -----------------------------------------------------------------------
    async def link_workspace(self, workspace_id: str, district_slug: str | None, *,
                             match_by_email: bool) -> Workspace:
        """Link a workspace to a district (``coachbot <platform> link``)."""
        linked = await self.links.link_workspace(self.platform, workspace_id, district_slug,
                                                 match_by_email=match_by_email)
        self._districts.pop(workspace_id, None)
        return linked

    async def link_if_only_one_district(self, workspace_id: str) -> Workspace | None:
        """On install: a new workspace is linked when CoachBot serves a single district."""
        if not workspace_id or await self.links.workspace(self.platform, workspace_id):
            return None
        only = await self.links.only_district()
        if only is None:
            return None
        return await self.link_workspace(workspace_id, only, match_by_email=False)

    async def district_of(self, workspace_id: str) -> str:
        """The slug of the district a workspace is linked to ("" when it is not yet: asked
        again next time, since it may be linked meanwhile)."""
        if workspace_id and workspace_id not in self._districts:
            found = await self.links.workspace(self.platform, workspace_id)
            if found is None:
                return ""
            self._districts[workspace_id] = found.district_slug
        return self._districts.get(workspace_id, "")

    async def workspaces_of_district(self, district_id: int) -> list[str]:
        return await self.links.workspaces_of(self.platform, district_id)

    async def workspaces_of_person(self, person_id: int) -> list[str]:
        district = await self.links.district_of(person_id)
        return [] if district is None else await self.workspaces_of_district(district)

    # -- people ---------------------------------------------------------------------------
    async def place(self, event: Event, workspace_id: str, lookup: EmailLookup | None) -> Event:
        """The event as the core should hear it: its sender matched (by email where allowed)
        and placed in the workspace's district."""
        try:
            await self.knows(workspace_id, event.sender.user_id, lookup)
        except Exception:  # matching by email is a convenience: the conversation still runs
            log.exception("could not match %s in %s", event.sender.user_id, workspace_id)
        district = await self.district_of(workspace_id)
        if not district:
            return event
        return dataclasses.replace(event,
                                   sender=dataclasses.replace(event.sender, district=district))

    async def knows(self, workspace_id: str, account_id: str,
                    lookup: EmailLookup | None) -> bool:
        """Whether ``account_id`` is a roster person, matching them by email first if allowed.

        Only this matching is cached; the conversation still checks each time that the person
        is active on the roster."""
        if account_id in self._known:
            return True
        known = await self.links.on_roster(self.platform, account_id)
        if not known and lookup is not None:
            workspace = await self.links.workspace(self.platform, workspace_id)
            if workspace is not None and workspace.match_by_email:
                email = await lookup.email_of(account_id)
                known = bool(email) and await self.links.link_by_email(
                    self.platform, workspace.district_id, str(email), account_id)
        if known:
            self._known.add(account_id)
        return known

    async def account_of(self, person_id: int, lookup: EmailLookup | None) -> str | None:
        """The person's account on this platform: from the roster, or found by email where
        their district allows it."""
        if person_id in self._accounts:
            return self._accounts[person_id]
        account, email, district = await self.links.account_of(self.platform, person_id)
        if (account is None and email and lookup is not None
                and await self.links.matches_by_email(self.platform, district)):
            account = await lookup.account_by_email(email)
            if account is not None:
                await self.links.remember(self.platform, person_id, account)
        if account is not None:
            self._accounts[person_id] = account
        return account
