"""Read models of pre-approval: the requests an approver can decide, each with what the teacher
wrote when asking (their reasons and plan), and who may decide a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from coachbot.domain.errors import NotFound
from coachbot.domain.journey import Move, State
from coachbot.domain.roles import Actor
from coachbot.services.journey import (
    DecisionRecord,
    RequestRecord,
    approvers_of,
    last_decision,
    last_request,
)
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import AuditEvent, CredentialRow, District, Person, Pursuit


@dataclass(frozen=True)
class ApprovalRequest:
    """One request waiting for a decision, as an approver needs to see it."""

    pursuit_id: int
    version: int
    code: str
    title: str
    teacher: str
    reasons: str  # how the credential serves the school's goals, in the teacher's words
    plan: str  # how they will complete it ("" if they left it out)
    asked_at: datetime | None
    earlier: tuple[str, str] | None = None  # asked again: (who sent it back, their note)


class ApprovalReads:
    """Pre-approval requests and who may decide them."""

    db: Database

    async def approvals(self, actor: Actor) -> list[ApprovalRequest]:
        """Requests waiting for pre-approval that this person may decide (never their own),
        oldest first, each with the teacher's reasons and plan."""
        async with self.db.read() as session:
            district = await session.get(District, actor.district_id)
            if district is None:
                return []
            roles = policy_from_json(district.policy).approver_roles
            rows = await session.execute(
                select(
                    Pursuit.id,
                    Pursuit.version,
                    CredentialRow.code,
                    CredentialRow.title,
                    Person.name,
                    Person.school_id,
                )
                .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
                .join(Person, Person.id == Pursuit.teacher_id)
                .where(
                    Pursuit.district_id == actor.district_id,
                    Pursuit.state == State.AWAITING_APPROVAL.value,
                    Pursuit.teacher_id != actor.person_id,
                )
                .order_by(Pursuit.updated_at, Pursuit.id)
            )
            mine = [
                r[:5]
                for r in rows.all()
                if any(actor.has_role(role, school_id=r[5]) for role in roles)
            ]
            if not mine:
                return []
            asked: dict[int, tuple[str, str, datetime | None]] = {}
            sent_back: dict[int, tuple[str, str]] = {}
            history = await session.execute(
                select(
                    AuditEvent.subject_id,
                    AuditEvent.action,
                    AuditEvent.reason,
                    AuditEvent.details,
                    AuditEvent.occurred_at,
                    Person.name,
                )
                .join(Person, Person.id == AuditEvent.actor_id, isouter=True)
                .where(
                    AuditEvent.subject_type == "pursuit",
                    AuditEvent.subject_id.in_([r[0] for r in mine]),
                    AuditEvent.action.in_([Move.REQUEST_APPROVAL.value, Move.SEND_BACK.value]),
                )
                .order_by(AuditEvent.id)
            )
            for pid, action, reason, details, at, name in history.all():
                if action == Move.REQUEST_APPROVAL.value:
                    asked[pid] = (reason or "", str((details or {}).get("plan") or ""), at)
                else:
                    sent_back[pid] = (name or "", reason or "")
        found = []
        for pid, version, code, title, teacher in mine:
            reasons, plan, at = asked.get(pid, ("", "", None))
            found.append(
                ApprovalRequest(
                    pid, version, code, title, teacher, reasons, plan, at, sent_back.get(pid)
                )
            )
        return found

    async def approval_request(self, pursuit_id: int) -> RequestRecord | None:
        """What the teacher wrote when they last asked (to start a new request from it)."""
        async with self.db.read() as session:
            return await last_request(session, pursuit_id)

    async def approval_decision(self, pursuit_id: int) -> DecisionRecord | None:
        """The latest decision on the pursuit's request (a send-back's note, to read again)."""
        async with self.db.read() as session:
            return await last_decision(session, pursuit_id)

    async def approvers_for(self, pursuit_id: int) -> list[int]:
        """Who may decide this pre-approval request under the district's policy."""
        async with self.db.read() as session:
            pursuit = await session.get(Pursuit, pursuit_id)
            if pursuit is None:
                raise NotFound(what="pursuit", key=str(pursuit_id))
            return await approvers_of(session, pursuit)
