"""The ledger's files in chat: the year's HR export for a district admin, and a teacher's own
record (every credential, its evidence links, its credits and dates), as links to download."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coachbot.domain.ledger import KEPT, EntryKind
from coachbot.domain.roles import Actor
from coachbot.services.credentials.addresses import Addresses
from coachbot.services.evidence.links import EvidenceLinks
from coachbot.services.ledger.downloads import Downloads
from coachbot.services.ledger.export import Exported, export_ledger
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Award,
    CredentialRow,
    EvidencePartRow,
    IssuedCredential,
    LedgerEntry,
    Review,
)

RECORD_COLUMNS = (
    "credential_code", "credential_title", "issuer", "earned_on", "status", "revoked_on",
    "revoked_reason", "hours", "points", "cpd_units", "graduate_credits", "stipend_amount",
    "credential_link", "evidence",
)  # fmt: skip
NOTHING = ("0", "0", "0", "0", "0.00")  # a revoked credential's credits: it no longer counts


@dataclass(frozen=True)
class YearFile:
    exported: Exported
    url: str


@dataclass(frozen=True)
class RecordFile:
    credentials: int  # the ones that count: a revoked credential is listed, not counted
    url: str
    revoked: int = 0


class LedgerFiles:
    def __init__(
        self, db: Database, downloads: Downloads, links: EvidenceLinks, addresses: Addresses
    ) -> None:
        self.db, self.downloads, self.links, self.addresses = db, downloads, links, addresses

    async def year(self, actor: Actor, year: str, fmt: str = "csv") -> YearFile:
        """The HR export of the admin's own district, as a link only they are given."""
        assert actor.district_id is not None and actor.person_id is not None
        file_id, path = self.downloads.place(f"ledger-{year.strip()[:7]}.{fmt}")
        done = await export_ledger(self.db, actor.district_id, year.strip(), path, fmt)
        return YearFile(done, self.downloads.url(file_id, actor.person_id))

    async def my_record(self, person_id: int, timezone: str = "UTC") -> RecordFile:
        """A CSV the teacher can keep: one row per credential earned, oldest first, its days
        in the teacher's own zone. A revoked one is listed as revoked with no credits (a trial
        saw it counted among the credentials the record brings)."""
        async with self.db.read() as session:
            awards = (
                await session.execute(
                    select(Award.id, Award.awarded_at, Award.review_id, CredentialRow.code,
                           CredentialRow.title, CredentialRow.issuer, IssuedCredential.public_id,
                           IssuedCredential.revoked_at, IssuedCredential.revoked_reason)
                    .join(CredentialRow, CredentialRow.id == Award.credential_id)
                    .outerjoin(IssuedCredential, IssuedCredential.award_id == Award.id)
                    .where(Award.teacher_id == person_id)
                    .order_by(Award.awarded_at, Award.id)
                )
            ).all()  # fmt: skip
            credits: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
            for award_id, kind, quantity, cents, state in await session.execute(
                select(LedgerEntry.award_id, LedgerEntry.kind, LedgerEntry.quantity,
                       LedgerEntry.amount_cents, LedgerEntry.pay_state)
                .where(LedgerEntry.teacher_id == person_id, LedgerEntry.award_id.is_not(None))
            ):  # fmt: skip
                if award_id is None:
                    continue
                if kind == EntryKind.STIPEND.value:
                    credits[award_id][kind] += cents if state in KEPT else 0
                else:
                    credits[award_id][kind] += quantity
            evidence: dict[int, list[str]] = defaultdict(list)
            for review_id, part_id, requirement, url in await session.execute(
                select(Review.id, EvidencePartRow.id, EvidencePartRow.requirement,
                       EvidencePartRow.url)
                .join(EvidencePartRow, EvidencePartRow.version_id == Review.evidence_version_id)
                .where(Review.id.in_([a.review_id for a in awards]))
                .order_by(EvidencePartRow.position)
            ):  # fmt: skip
                link = url or self.links.url(part_id, person_id)
                evidence[review_id].append(f"{requirement}: {link}")
        file_id, path = self.downloads.place("my-record.csv")
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(RECORD_COLUMNS)
            zone = ZoneInfo(timezone)
            for a in awards:
                c = credits[a.id]
                cents = int(c.get(EntryKind.STIPEND.value, 0))
                worth = NOTHING if a.revoked_at else (
                    f"{c.get('hours', 0):g}", f"{c.get('points', 0):g}",
                    f"{c.get('cpd_units', 0):g}", f"{c.get('graduate_credits', 0):g}",
                    f"{cents / 100:.2f}",
                )  # fmt: skip
                out.writerow([
                    a.code, a.title, a.issuer, _day(a.awarded_at, zone),
                    "revoked" if a.revoked_at else "earned", _day(a.revoked_at, zone),
                    a.revoked_reason or "", *worth,
                    self.addresses.credential(a.public_id) if a.public_id else "",
                    " | ".join(evidence[a.review_id]),
                ])  # fmt: skip
        revoked = sum(1 for a in awards if a.revoked_at)
        return RecordFile(len(awards) - revoked, self.downloads.url(file_id, person_id), revoked)


def _day(instant: datetime | None, zone: ZoneInfo) -> str:
    """The day an instant falls on for the teacher (stored in UTC; naive is UTC)."""
    if instant is None:
        return ""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(zone).date().isoformat()
