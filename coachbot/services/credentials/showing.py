"""The district's public pages as an issuer: who it is (for people, beside the Profile JSON),
and each credential it issues as an Achievement, so the ``id`` inside every credential's
achievement resolves to a page a principal can read.

Built from the catalog and the district's own record only: no person's name, email or
evidence is on either page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from coachbot.domain import credentials as ob
from coachbot.domain.errors import NotFound
from coachbot.services.credentials.addresses import Addresses
from coachbot.services.credentials.issuing import CredentialIssuer, catalog_credential
from coachbot.services.credentials.keys import IssuerKeys
from coachbot.storage.codec import currency_from_json, policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import CredentialRow, District


@dataclass(frozen=True)
class IssuerPage:
    name: str
    website: str | None
    email: str | None
    profile_url: str
    keys: int
    achievements: tuple[tuple[str, str], ...]  # (title, its page)


@dataclass(frozen=True)
class AchievementPage:
    name: str
    code: str
    description: str
    criteria: str
    worth: str
    issuer_name: str
    issuer_url: str
    document: dict[str, Any]  # the Achievement as in the credentials


class IssuerPages:
    def __init__(self, db: Database, issuer: CredentialIssuer, addresses: Addresses) -> None:
        self.db = db
        self.issuing = issuer
        self.addresses = addresses

    async def issuer(self, slug: str) -> IssuerPage:
        async with self.db.read() as session:
            district = await session.scalar(select(District).where(District.slug == slug))
            if district is None:
                raise NotFound(what="issuer", key=slug)
            keys = await IssuerKeys.all_keys(session, district.id)
            rows = await session.execute(
                select(CredentialRow.title, CredentialRow.code)
                .where(CredentialRow.district_id == district.id, CredentialRow.active.is_(True))
                .order_by(func.lower(CredentialRow.title))
            )
            return IssuerPage(
                district.name, district.website, district.email, self.addresses.issuer(slug),
                len(keys),
                tuple((title, self.addresses.achievement(slug, code)) for title, code in rows),
            )  # fmt: skip

    async def achievement(self, slug: str, code: str) -> AchievementPage:
        async with self.db.read() as session:
            district = await session.scalar(select(District).where(District.slug == slug))
            row = None
            if district is not None:
                row = await session.scalar(
                    select(CredentialRow).where(
                        CredentialRow.district_id == district.id, CredentialRow.code == code
                    )
                )
            if district is None or row is None:
                raise NotFound(what="achievement", key=code)
            policy = policy_from_json(district.policy)
            currency = currency_from_json(row.currency) if row.currency else policy.currency
            issuer = self.issuing.issuer_of(district)
            document = ob.achievement(
                catalog_credential(row), self.addresses.achievement(slug, code), issuer, currency
            )
            return AchievementPage(
                row.title, row.code, document["description"], document["criteria"]["narrative"],
                ob.worth(currency), district.name, self.addresses.issuer(slug),
                {"@context": list(ob.CONTEXT), **document},
            )  # fmt: skip
