"""Credentials earned elsewhere: verified, matched to the district's policy, confirmed by an
admin, and recorded as recognised (never as earned here).

Verification in chat reads another issuer's key from its website only when the district's
policy names that issuer (``policy.recognitions``): a pasted credential cannot make CoachBot
fetch any address it likes, and a credential whose key is unknown is refused with the reason.
A confirmed recognition counts as its local credential toward stacks and pathways (their
prerequisites too), and brings only the currency the policy gives it, often none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from coachbot.clock import Clock
from coachbot.domain.errors import NotFound, PreconditionFailed
from coachbot.domain.policy import Currency
from coachbot.domain.recognition import rule_for
from coachbot.domain.roles import Actor
from coachbot.services.awards.awarding import record_completions
from coachbot.services.credentials.publishing import Credentials
from coachbot.services.credentials.verifying import Verdict
from coachbot.services.record import audit
from coachbot.storage.codec import currency_from_json, currency_to_json, policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import CredentialRow, District, Person, Recognition

PENDING, RECOGNISED, DECLINED = "pending", "recognised", "declined"


@dataclass(frozen=True)
class Handed:
    """What came of a credential a teacher handed in to be recognised."""

    outcome: str  # asked | not_valid | revoked_here | earned_here | no_rule | already
    verdict: Verdict
    recognition_id: int | None = None
    counts_as: str = ""  # the local credential's title
    issuer_name: str = ""
    achievement: str = ""
    currency: Currency | None = None
    # revoked_here: one of this CoachBot's credentials, revoked by its district ("own": the
    # teacher's own), so a fresh copy would say the same; when and why, as the status check.
    revoked: dict[str, Any] | None = None
    own: bool = False


@dataclass(frozen=True)
class Asked:
    """A recognition, as an admin sees it to decide."""

    recognition_id: int
    teacher_id: int
    teacher: str
    issuer_name: str
    achievement: str
    counts_as: str
    currency: Currency
    status: str
    asked_at: datetime


def _issuer(document: dict[str, Any]) -> tuple[str, str]:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        return str(issuer.get("id") or ""), str(issuer.get("name") or "")
    return (issuer if isinstance(issuer, str) else ""), ""


def _achievement(document: dict[str, Any]) -> tuple[str, str]:
    subject = document.get("credentialSubject")
    found = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(found, dict):
        return "", ""
    return str(found.get("id") or ""), str(found.get("name") or "")


class Recognitions:
    def __init__(self, db: Database, clock: Clock, credentials: Credentials) -> None:
        self.db = db
        self.clock = clock
        self.credentials = credentials

    async def _policy_rules(self, district_id: int | None) -> Any:
        async with self.db.read() as session:
            district = await session.get(District, district_id)
            if district is None:
                raise NotFound(what="district", key=str(district_id))
            return policy_from_json(district.policy).recognitions

    async def verify(self, actor: Actor, document: dict[str, Any]) -> Verdict:
        """Every check, in words; another issuer's key is fetched only for an issuer the
        speaker's district names in its recognition policy."""
        rules = await self._policy_rules(actor.district_id)
        issuer, _ = _issuer(document)
        trusted = any(r.issuer.rstrip("/") == issuer.rstrip("/") for r in rules)
        return await self.credentials.verifier(online=trusted and bool(issuer)).verify(document)

    async def _revoked_here(
        self, actor: Actor, document: dict[str, Any], verdict: Verdict
    ) -> Handed | None:
        """A credential a district on this CoachBot issued and revoked (its status read from
        our own records): no issuer would send a fresh copy, so the teacher is told it was
        revoked, when, and whom to ask. None for anything else."""
        status = next((c for c in verdict.checks if c.aspect == "status"), None)
        if status is None or status.reason != "revoked":
            return None
        issuer, issuer_name = _issuer(document)
        async with self.db.read() as session:
            slug = await session.scalar(
                select(District.slug).where(District.id == actor.district_id)
            )
        own = slug is not None and issuer.rstrip("/") == self.credentials.addresses.issuer(slug)
        return Handed(
            "revoked_here", verdict, issuer_name=issuer_name or verdict.issuer_name or "",
            achievement=verdict.name or _achievement(document)[1], revoked=status.params,
            own=own,
        )  # fmt: skip

    async def ask(self, actor: Actor, document: dict[str, Any]) -> Handed:
        """Verify, match to the policy, and record the request for an admin to confirm."""
        verdict = await self.verify(actor, document)
        if not verdict.valid:
            return await self._revoked_here(actor, document, verdict) or Handed(
                "not_valid", verdict
            )
        if verdict.check("issuer").reason == "issuer_ours":
            return Handed("earned_here", verdict)
        issuer, issuer_name = _issuer(document)
        achievement_id, achievement = _achievement(document)
        rule = rule_for(await self._policy_rules(actor.district_id), issuer, achievement_id,
                        achievement)  # fmt: skip
        issuer_name = issuer_name or issuer
        if rule is None:
            return Handed("no_rule", verdict, issuer_name=issuer_name, achievement=achievement)
        async with self.db.write() as session:
            local = await session.scalar(
                select(CredentialRow).where(
                    CredentialRow.district_id == actor.district_id,
                    CredentialRow.code == rule.counts_as,
                )
            )
            if local is None:
                raise NotFound(what="credential", key=rule.counts_as)
            words = Handed(
                "asked", verdict, None, local.title, issuer_name, achievement, rule.currency
            )
            earlier = await session.scalar(
                select(Recognition).where(
                    Recognition.teacher_id == actor.person_id,
                    Recognition.credential_id == local.id,
                    Recognition.status.in_((PENDING, RECOGNISED)),
                )
            )
            if earlier is not None:
                return replace(words, outcome="already", recognition_id=earlier.id)
            assert actor.person_id is not None and actor.district_id is not None
            row = Recognition(
                district_id=actor.district_id, teacher_id=actor.person_id,
                credential_id=local.id, issuer=issuer, issuer_name=issuer_name,
                achievement=achievement, document=document,
                currency=currency_to_json(rule.currency), status=PENDING,
                asked_at=self.clock.now(),
            )  # fmt: skip
            session.add(row)
            await session.flush()
            audit.record(
                session, at=row.asked_at, actor=actor, district_id=actor.district_id,
                subject_type="recognition", subject_id=row.id, action="ask_recognition",
                details={"issuer": issuer, "achievement": achievement, "counts_as": local.code},
            )  # fmt: skip
            return replace(words, recognition_id=row.id)

    async def _asked(self, session: Any, row: Recognition) -> Asked:
        teacher = await session.get(Person, row.teacher_id)
        local = await session.get(CredentialRow, row.credential_id)
        return Asked(
            row.id, row.teacher_id, teacher.name if teacher else "", row.issuer_name,
            row.achievement, local.title if local else "", currency_from_json(row.currency),
            row.status, row.asked_at,
        )  # fmt: skip

    async def pending(self, actor: Actor) -> list[Asked]:
        """The district's recognitions waiting for an admin, oldest first."""
        async with self.db.read() as session:
            rows = await session.scalars(
                select(Recognition)
                .where(Recognition.district_id == actor.district_id, Recognition.status == PENDING)
                .order_by(Recognition.id)
            )
            return [await self._asked(session, row) for row in rows]

    async def decide(self, actor: Actor, recognition_id: int, *, confirm: bool) -> Asked:
        """An admin of the district confirms (recorded as recognised; stacks and pathways it
        completes are recorded) or declines. Deciding twice is refused."""
        async with self.db.write() as session:
            row = await session.get(Recognition, recognition_id, with_for_update=True)
            if row is None or row.district_id != actor.district_id:
                raise NotFound(what="recognition", key=str(recognition_id))
            if row.status != PENDING:
                raise PreconditionFailed(need="undecided_recognition", status=row.status)
            now = self.clock.now()
            row.status = RECOGNISED if confirm else DECLINED
            row.decided_at, row.decided_by = now, actor.person_id
            audit.record(
                session, at=now, actor=actor, district_id=row.district_id,
                subject_type="recognition", subject_id=row.id,
                action="recognise" if confirm else "decline_recognition",
                details={"teacher": row.teacher_id, "credential": row.credential_id},
            )  # fmt: skip
            if confirm:
                await session.flush()
                await record_completions(session, self.clock, row.teacher_id, row.district_id,
                                         row.credential_id)  # fmt: skip
            return await self._asked(session, row)
