"""Platform accounts and workspaces: which roster person a platform's user id is, and which
district a workspace (a Slack team, a Discord guild) speaks for. Every platform's links are kept
and read here, and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.services.district.districts import pick_district
from coachbot.storage.database import Database
from coachbot.storage.models import District, Person, PlatformAccount, WorkspaceLink


def account_claim(session: AsyncSession, person_id: int, platform: str, account_id: str,
                  at: datetime) -> Any:
    """INSERT the account unless the person has one on this platform already (a concurrent
    match by email finds it taken and changes nothing)."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = insert(PlatformAccount).values(person_id=person_id, platform=platform,
                                               account_id=account_id, linked_at=at)
    return statement.on_conflict_do_nothing(index_elements=["person_id", "platform"])


@dataclass(frozen=True)
class Workspace:
    """A workspace linked to a district."""

    platform: str
    workspace_id: str
    district_id: int
    district_slug: str
    district_name: str
    match_by_email: bool


class AccountLinks:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    # -- workspaces -----------------------------------------------------------------------
    async def link_workspace(self, platform: str, workspace_id: str, district_slug: str | None,
                             *, match_by_email: bool) -> Workspace:
        """Link a workspace to a district (the only one, when none is named); linking it again
        updates the link."""
        slug = await pick_district(self.db, district_slug)
        async with self.db.write() as session:
            district = await session.scalar(select(District).where(District.slug == slug))
            assert district is not None  # pick_district found it
            link = await session.get(WorkspaceLink, (platform, workspace_id))
            if link is None:
                session.add(WorkspaceLink(platform=platform, workspace_id=workspace_id,
                                          district_id=district.id, match_by_email=match_by_email,
                                          linked_at=self.clock.now()))
            else:
                link.district_id, link.match_by_email = district.id, match_by_email
            return Workspace(platform, workspace_id, district.id, district.slug, district.name,
                             match_by_email)

    async def workspace(self, platform: str, workspace_id: str) -> Workspace | None:
        if not workspace_id:
            return None
        async with self.db.read() as session:
            row = (await session.execute(
                select(WorkspaceLink, District)
                .join(District, District.id == WorkspaceLink.district_id)
                .where(WorkspaceLink.platform == platform,
                       WorkspaceLink.workspace_id == workspace_id)
            )).first()
        if row is None:
            return None
        link, district = row
        return Workspace(platform, workspace_id, district.id, district.slug, district.name,
                         link.match_by_email)

    async def workspaces_of(self, platform: str, district_id: int) -> list[str]:
        """The workspaces linked to a district, the first linked first."""
        async with self.db.read() as session:
            return list(await session.scalars(
                select(WorkspaceLink.workspace_id)
                .where(WorkspaceLink.platform == platform,
                       WorkspaceLink.district_id == district_id)
                .order_by(WorkspaceLink.linked_at)
            ))

    async def matches_by_email(self, platform: str, district_id: int) -> bool:
        """Whether any of the district's workspaces allows matching people by email."""
        async with self.db.read() as session:
            return await session.scalar(
                select(WorkspaceLink.workspace_id)
                .where(WorkspaceLink.platform == platform,
                       WorkspaceLink.district_id == district_id,
                       WorkspaceLink.match_by_email.is_(True))
                .limit(1)
            ) is not None

    async def only_district(self) -> str | None:
        """The one district's slug when there is exactly one (a new workspace is linked to it)."""
        async with self.db.read() as session:
            slugs = list(await session.scalars(select(District.slug).limit(2)))
        return slugs[0] if len(slugs) == 1 else None

    # -- people ---------------------------------------------------------------------------
    async def on_roster(self, platform: str, account_id: str) -> bool:
        """Whether an active roster person has this platform account."""
        if not account_id:
            return False
        async with self.db.read() as session:
            return await session.scalar(
                select(PlatformAccount.person_id)
                .join(Person, Person.id == PlatformAccount.person_id)
                .where(PlatformAccount.platform == platform,
                       PlatformAccount.account_id == account_id, Person.active.is_(True))
                .limit(1)
            ) is not None

    async def account_of(self, platform: str, person_id: int) -> tuple[str | None, str, int]:
        """(their account on ``platform`` or None, their email, their district id); an
        inactive or unknown person has neither (("", 0) for the rest)."""
        async with self.db.read() as session:
            person = await session.get(Person, person_id)
            if person is None or not person.active:
                return None, "", 0
            account = await session.get(PlatformAccount, (person_id, platform))
        return (account.account_id if account else None), person.email, person.district_id

    async def district_of(self, person_id: int) -> int | None:
        async with self.db.read() as session:
            return await session.scalar(select(Person.district_id).where(Person.id == person_id))

    async def link_by_email(self, platform: str, district_id: int, email: str,
                            account_id: str) -> bool:
        """Give the active person with ``email`` in the district this account, unless they have
        one already; whether someone was linked."""
        async with self.db.write() as session:
            person_id = await session.scalar(
                select(Person.id).where(Person.district_id == district_id,
                                        Person.email == email, Person.active.is_(True))
            )
            if person_id is None:
                return False
            result = await session.execute(
                account_claim(session, person_id, platform, account_id, self.clock.now())
            )
        return bool(cast("CursorResult[Any]", result).rowcount)

    async def remember(self, platform: str, person_id: int, account_id: str) -> None:
        """Keep an account found for a person (by email), unless they have one already."""
        async with self.db.write() as session:
            await session.execute(
                account_claim(session, person_id, platform, account_id, self.clock.now())
            )
