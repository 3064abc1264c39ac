"""Store a validated roster in bulk: people matched by email, updated in place, never duplicated.

A state-sized roster (50,000 people) must load in seconds, so this works in set operations:
one read of who exists, then batched inserts and updates (SQLAlchemy's executemany), all in one
transaction. People absent from the file are left as they are: history is never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Actor, Role
from coachbot.importing.roster_reader import RosterRow
from coachbot.services.record import audit
from coachbot.storage.database import Database
from coachbot.storage.models import District, Person, PlatformAccount, RoleGrantRow, School

BATCH = 2_000
BIG_CHANGE = 1_000  # rows created that make the planner's statistics stale
# The tables themselves, for Core bulk statements (typed as Table: a mapped class's table is).
PEOPLE = cast("Table", Person.__table__)
GRANTS = cast("Table", RoleGrantRow.__table__)
ACCOUNTS = cast("Table", PlatformAccount.__table__)
# Roles that apply within the person's school; the others apply across the district.
SCHOOL_SCOPED = {Role.TEACHER, Role.SCHOOL_ADMIN}


@dataclass(frozen=True)
class RosterImported:
    district_id: int
    created: int
    updated: int
    unchanged: int
    not_in_file: int


def _chunks(items: list[Any], size: int = BATCH) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class RosterLoader:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def school_codes(self, district_slug: str) -> set[str]:
        async with self.db.read() as session:
            rows = await session.scalars(
                select(School.code)
                .join(District, District.id == School.district_id)
                .where(District.slug == district_slug)
            )
            return set(rows)

    async def load(
        self, district_slug: str, rows: list[RosterRow], *, source: str = ""
    ) -> RosterImported:
        async with self.db.write() as session:
            district = await session.scalar(select(District).where(District.slug == district_slug))
            if district is None:
                raise NotFound(what="district", key=district_slug)
            result = await self._load(session, district.id, rows)
            audit.record(
                session,
                at=self.clock.now(),
                actor=Actor.system(district.id),
                district_id=district.id,
                subject_type="district",
                subject_id=district.id,
                action="import_roster",
                details={
                    "source": source,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
        if result.created >= BIG_CHANGE:
            # Fresh planner statistics, so the first questions after a big import are answered
            # with the indexes (without them PostgreSQL guessed seq scans for ten times longer).
            await self.db.analyze("people", "role_grants")
        return result

    async def _load(
        self, session: AsyncSession, district_id: int, rows: list[RosterRow]
    ) -> RosterImported:
        now = self.clock.now()
        schools = dict(
            (
                await session.execute(
                    select(School.code, School.id).where(School.district_id == district_id)
                )
            ).all()
        )
        existing = {
            r.email: r
            for r in (
                await session.execute(
                    select(
                        PEOPLE.c.id,
                        PEOPLE.c.email,
                        PEOPLE.c.name,
                        PEOPLE.c.school_id,
                        PEOPLE.c.timezone,
                        PEOPLE.c.active,
                    ).where(PEOPLE.c.district_id == district_id)
                )
            ).all()
        }
        grants: dict[int, set[tuple[str, int | None]]] = {}
        for pid, role, school in (
            await session.execute(
                select(GRANTS.c.person_id, GRANTS.c.role, GRANTS.c.school_id)
                .join(PEOPLE, PEOPLE.c.id == GRANTS.c.person_id)
                .where(PEOPLE.c.district_id == district_id)
                # The roster's own grants: a role a pathway brought is not the roster's to
                # take back (undoing that pathway does).
                .where(GRANTS.c.completion_id.is_(None))
            )
        ).all():
            grants.setdefault(pid, set()).add((role, school))
        accounts: dict[int, dict[str, str]] = {}
        for pid, platform, account in (
            await session.execute(
                select(ACCOUNTS.c.person_id, ACCOUNTS.c.platform, ACCOUNTS.c.account_id)
                .join(PEOPLE, PEOPLE.c.id == ACCOUNTS.c.person_id)
                .where(PEOPLE.c.district_id == district_id)
            )
        ).all():
            accounts.setdefault(pid, {})[platform] = account

        new_people: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        wanted_grants: dict[str, set[tuple[str, int | None]]] = {}
        wanted_accounts: dict[str, dict[str, str]] = {}
        unchanged = 0
        for row in rows:
            school_id = schools.get(row.school_code) if row.school_code else None
            values = {
                "name": row.name,
                "school_id": school_id,
                "timezone": row.timezone,
                "active": True,
            }
            wanted_grants[row.email] = {
                (r.value, school_id if r in SCHOOL_SCOPED else None) for r in row.roles
            }
            wanted_accounts[row.email] = {
                platform: account
                for platform, account in (("slack", row.slack_id), ("discord", row.discord_id))
                if account
            }
            old = existing.get(row.email)
            if old is None:
                new_people.append(
                    {
                        "district_id": district_id,
                        "email": row.email,
                        "created_at": now,
                        "updated_at": now,
                        **values,
                    }
                )
                continue
            diff = {k: [getattr(old, k), v] for k, v in values.items() if getattr(old, k) != v}
            had = accounts.get(old.id, {})
            diff |= {
                f"{platform}_user_id": [had.get(platform), wanted_accounts[row.email].get(platform)]
                for platform in sorted(set(had) | set(wanted_accounts[row.email]))
                if had.get(platform) != wanted_accounts[row.email].get(platform)
            }
            if diff or grants.get(old.id, set()) != wanted_grants[row.email]:
                changed.append({"pid": old.id, "updated_at": now, **values})
                audit.record(
                    session,
                    at=now,
                    actor=Actor.system(district_id),
                    district_id=district_id,
                    subject_type="person",
                    subject_id=old.id,
                    action="roster_update",
                    details=diff or None,
                )
            else:
                unchanged += 1

        ids = {r.email: r.id for r in existing.values()}
        for chunk in _chunks(new_people):
            result = await session.execute(
                insert(PEOPLE).returning(PEOPLE.c.id, PEOPLE.c.email), chunk
            )
            ids.update({email: pid for pid, email in result.all()})
        if changed:
            statement = (
                update(PEOPLE)
                .where(PEOPLE.c.id == bindparam("pid"))
                .values({k: bindparam(k) for k in changed[0] if k != "pid"})
            )
            for chunk in _chunks(changed):
                await session.execute(statement, chunk)

        regrant = [ids[r["email"]] for r in new_people] + [c["pid"] for c in changed]
        by_id = {ids[email]: g for email, g in wanted_grants.items()}
        for chunk in _chunks([pid for pid in regrant if pid in grants]):
            await session.execute(
                delete(GRANTS).where(
                    GRANTS.c.person_id.in_(chunk), GRANTS.c.completion_id.is_(None)
                )
            )
        grant_rows = [
            {"person_id": pid, "role": role, "school_id": school}
            for pid in regrant
            for role, school in sorted(by_id[pid], key=lambda g: g[0])
        ]
        for chunk in _chunks(grant_rows):
            await session.execute(insert(GRANTS), chunk)
        rewritten = set(regrant)
        for chunk in _chunks([pid for pid in regrant if pid in accounts]):
            await session.execute(delete(ACCOUNTS).where(ACCOUNTS.c.person_id.in_(chunk)))
        account_rows = [
            {"person_id": ids[email], "platform": platform, "account_id": account,
             "linked_at": now}
            for email, wanted in wanted_accounts.items()
            if ids[email] in rewritten
            for platform, account in sorted(wanted.items())
        ]
        for chunk in _chunks(account_rows):
            await session.execute(insert(ACCOUNTS), chunk)
        in_file = {r.email for r in rows}
        return RosterImported(
            district_id,
            len(new_people),
            len(changed),
            unchanged,
            sum(1 for email in existing if email not in in_file),
        )
