"""Every award becomes a signed Open Badges 3.0 credential, in the award's own transaction.

The credential is built from the catalog and the district as they are at the award, signed
with the district's current key, and kept as signed (``issued_credentials``): what the teacher
carries away never changes afterwards, whatever later happens to the catalog.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain import credentials as ob
from coachbot.domain.catalog import Credential
from coachbot.services.credentials import proof
from coachbot.services.credentials.addresses import Addresses
from coachbot.services.credentials.keys import IssuerKeys
from coachbot.storage.codec import (
    currency_from_json,
    policy_from_json,
    requirements_from_json,
    rubric_from_json,
)
from coachbot.storage.models import Award, CredentialRow, District, IssuedCredential, Person


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, or the month's last day (31 January + 1 = 28/29 Feb)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def catalog_credential(row: CredentialRow) -> Credential:
    return Credential(
        code=row.code,
        title=row.title,
        competency=row.competency,
        requirements=requirements_from_json(row.requirements),
        rubric=rubric_from_json(row.rubric),
        hours_estimate=row.hours_estimate,
        issuer=row.issuer,
        description=row.description,
        goals=tuple(row.goals),
        valid_months=row.valid_months,
    )


class CredentialIssuer:
    def __init__(self, keys: IssuerKeys, addresses: Addresses) -> None:
        self.keys = keys
        self.addresses = addresses

    def issuer_of(self, district: District) -> ob.Issuer:
        here = self.addresses.issuer(district.slug)
        return ob.Issuer(
            id=here, name=district.name, url=district.website or here,
            email=district.email, image=district.image,
        )  # fmt: skip

    async def issue(self, session: AsyncSession, award: Award) -> IssuedCredential:
        """Sign and keep the credential of ``award`` (once: a second call returns the first)."""
        done = await session.scalar(
            select(IssuedCredential).where(IssuedCredential.award_id == award.id)
        )
        if done is not None:
            return done
        district = await session.get(District, award.district_id)
        row = await session.get(CredentialRow, award.credential_id)
        teacher = await session.get(Person, award.teacher_id)
        assert district is not None and row is not None and teacher is not None
        policy = policy_from_json(district.policy)
        currency = currency_from_json(row.currency) if row.currency else policy.currency
        salt = secrets.token_hex(16)
        # The key first: taking it locks the district row, so the next index is ours alone.
        key = await self.keys.signing_key(session, district.id)
        index = await session.scalar(
            select(func.coalesce(func.max(IssuedCredential.status_index) + 1, 0)).where(
                IssuedCredential.district_id == district.id
            )
        )
        issuance = ob.Issuance(
            credential_id=self.addresses.credential(award.assertion_id),
            achievement_id=self.addresses.achievement(district.slug, row.code),
            issued_at=award.awarded_at,
            valid_until=(
                add_months(award.awarded_at, row.valid_months) if row.valid_months else None
            ),
            identity_hash=ob.identity_hash(teacher.email, salt),
            salt=salt,
            status_list=self.addresses.status_list(district.slug),
            status_index=int(index or 0),
        )
        document = ob.open_badge(
            catalog_credential(row), self.issuer_of(district), issuance, currency
        )
        signed = proof.sign(
            document,
            key.secret,
            self.addresses.key(district.slug, key.key_id),
            ob.when(award.awarded_at),
        )
        # 1EdTech's schema wants the proofs as a list (Data Integrity allows one or a list).
        signed["proof"] = [signed["proof"]]
        issued = IssuedCredential(
            award_id=award.id,
            district_id=district.id,
            public_id=award.assertion_id,
            document=signed,
            key_id=key.key_id,
            status_index=int(index or 0),
            issued_at=award.awarded_at,
            revoked_at=None,
            revoked_reason=None,
        )
        session.add(issued)
        await session.flush()
        return issued


async def credential_url(session: AsyncSession, award_id: int) -> str | None:
    """Where the award's credential is published (its id), or None for an award made before
    credentials were issued."""
    document = await session.scalar(
        select(IssuedCredential.document).where(IssuedCredential.award_id == award_id)
    )
    found = document.get("id") if isinstance(document, dict) else None
    return found if isinstance(found, str) else None
