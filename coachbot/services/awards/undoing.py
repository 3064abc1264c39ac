"""What a revoked credential had completed: each stack or pathway that no longer holds without
it is undone, with what it brought.

A pathway completed with a credential that is later revoked is no longer complete (unless the
teacher still meets it another way: another credential of the same area, or one earned
elsewhere and recognised here). Its completion is marked undone (never deleted), its ledger
entries (a salary step, a stipend) are reversed by new ones dated in the district's fiscal
year, a role it granted is taken back (``roles_undone``), a committee request still open
for it is withdrawn, and news not yet sent about the revoked award or the undone completion
is dropped. The teacher's revocation notice then says what it undid, once. Everything runs
in one transaction, and a second revocation finds nothing left to undo, so it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.ledger import EntryKind, PayState
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.roles import Actor
from coachbot.services.awards.holding import stops_holding
from coachbot.services.awards.roles_undone import REMOVED, role_fate, role_news, take_back_role
from coachbot.services.ledger.committees import withdraw_request
from coachbot.services.ledger.entries import lock_district
from coachbot.services.ledger.reversing import reversal_state, reverse_completion, unreversed
from coachbot.services.ledger.undone import completion_title
from coachbot.services.record import audit, outbox
from coachbot.storage.database import Database
from coachbot.storage.models import (
    Award,
    CommitteeRequest,
    Completion,
    CredentialRow,
    IssuedCredential,
    LedgerEntry,
    NudgeRow,
)

DROPPED = "revoked"  # why an outbox row about a revoked award (or what it completed) never went


@dataclass(frozen=True)
class Undone:
    """A completion the revocation undid, as the teacher's notice names it."""

    kind: str  # stack | pathway
    title: str
    outcome_kind: str  # salary_step, stipend, role, recognition; "" for a stack
    outcome_value: str

    def as_params(self) -> list[str]:
        return [self.kind, self.title, self.outcome_kind, self.outcome_value]


@dataclass(frozen=True)
class Losing:
    """A stack or pathway undone (or, in the preview, that would be), and what it loses: what
    the admin is shown before the yes and told after it, built the same way both times."""

    undone: Undone
    salary_steps: tuple[str, ...] = ()  # "+5%": granted (after the committee), reversed
    stipend_cents: int = 0  # its stipend not paid yet, reversed
    withdrawn: bool = False  # its committee request, still open, withdrawn
    role: str = ""  # the role the pathway granted, if the teacher got it
    role_fate: str = ""  # REMOVED (taken back) or KEPT (held another way)


def credit_lost(entries: list[LedgerEntry]) -> tuple[tuple[str, ...], int]:
    """From a completion's entries not reversed yet: its salary steps, and its stipend cents
    not paid yet (a paid one is money to recover, said apart)."""
    steps = tuple(e.detail for e in entries if e.kind == EntryKind.SALARY_STEP.value)
    unpaid = sum(
        e.amount_cents for e in entries
        if e.kind == EntryKind.STIPEND.value and not to_recover(e)
    )  # fmt: skip
    return steps, unpaid


def to_recover(entry: LedgerEntry) -> bool:
    return reversal_state(entry.pay_state) == PayState.TO_RECOVER.value


def undid_in(results: object) -> list[Losing]:
    """What the undoing step returned, among the steps' results of a revocation."""
    found = results if isinstance(results, list) else [results]
    out: list[Losing] = []
    for r in found:
        if isinstance(r, Losing):
            out.append(r)
        elif isinstance(r, list):
            out.extend(undid_in(r))
    return out


class UndoCompletions:
    """A reversal step (``OneAfterAnother``), after the award is marked revoked."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def reverse(self, award_id: int, reason: str) -> list[Losing]:
        async with self.db.write() as session:
            award = await session.get(Award, award_id)
            if award is None or award.revoked_at is None:
                return []  # only what a revoked award completed is undone
            await lock_district(session, award.district_id)  # awards complete under it too
            now = self.clock.now()
            credential = await session.get(CredentialRow, award.credential_id)
            assert credential is not None
            why = f"{credential.code} ({credential.title}) was revoked: {reason}"
            undone: list[Undone] = []
            undid: list[Losing] = []  # what each lost, for the admin who said yes
            withdrawn = False  # a committee was still deciding one of them
            gone: list[Completion] = []
            removed: set[str] = set()  # roles taken back with what granted them
            # The revoked award's own news: the earner's "Earned!" and the channel's post.
            subjects = [f"award:{award_id}", f"feedback:{award.review_id}"]
            leaving = await stops_holding(
                session, award.teacher_id, award_id, credential.code, lock=True
            )
            ids = frozenset(c.id for c in leaving)
            for completion in leaving:
                completion.undone_at, completion.undone_reason = now, why
                gone.append(completion)
                name = await named(session, completion)
                undone.append(name)
                actor = Actor.system(award.district_id)
                steps, unpaid = credit_lost(
                    await unreversed(session, LedgerEntry.completion_id == completion.id)
                )
                await reverse_completion(session, now, actor, completion, why)
                role, fate = await role_fate(session, completion, ids)
                taken = await take_back_role(session, now, actor, completion, why, ids)
                removed.add(taken)
                if taken:
                    role, fate = taken, REMOVED
                request = await withdraw_request(session, now, completion.id, why)
                withdrawn = withdrawn or request is not None
                undid.append(Losing(name, steps, unpaid, request is not None, role, fate))
                subjects.extend(await _request_news(session, completion.id))
                audit.record(
                    session, at=now, actor=actor, district_id=award.district_id,
                    subject_type="person", subject_id=award.teacher_id,
                    action=f"undo_{completion.kind}", reason=why,
                    details={"completion": completion.id, "award": award_id},
                )  # fmt: skip
            await _drop_unsent(session, subjects)
            if undone:
                await _strike(session, award.teacher_id, undone)
                roles = await role_news(session, award.teacher_id, gone, removed)
                await _tell(session, now, award, undone, withdrawn, roles)
            return undid


async def named(session: AsyncSession, completion: Completion) -> Undone:
    outcome: dict[str, Any] = completion.outcome or {}
    return Undone(
        completion.kind, await completion_title(session, completion),
        str(outcome.get("kind", "")), str(outcome.get("value", "")),
    )  # fmt: skip


async def _request_news(session: AsyncSession, completion_id: int) -> list[str]:
    """The outbox subject of the completion's committee request: its news to the teacher
    ("approved: your salary step is on your record") must not go out once it is undone."""
    ids = await session.scalars(
        select(CommitteeRequest.id).where(CommitteeRequest.completion_id == completion_id)
    )
    return [f"committee:{i}" for i in ids]


async def _drop_unsent(session: AsyncSession, subjects: list[str]) -> None:
    """Rows still waiting (not claimed by a dispatcher, not sent) are dropped, never sent."""
    await session.execute(
        update(NudgeRow)
        .where(NudgeRow.subject.in_(subjects), NudgeRow.status.in_(outbox.UNSENT))
        .values(status="dropped", dropped_reason=DROPPED)
    )


async def _strike(session: AsyncSession, teacher_id: int, undone: list[Undone]) -> None:
    """News still waiting about another award (the one that completed the pathway) no longer
    says it completed what was undone: "You've also completed ..." would be untrue."""
    gone = {(u.kind, u.title) for u in undone}

    def kept(completed: list[list[Any]]) -> list[list[Any]]:
        return [done for done in completed if (done[0], done[1]) not in gone]

    for row in await session.scalars(
        select(NudgeRow)
        .where(
            NudgeRow.person_id == teacher_id, NudgeRow.status.in_(outbox.UNSENT),
            NudgeRow.kind.in_([NudgeKind.FEEDBACK_READY.value,
                               NudgeKind.AWARD_ANNOUNCEMENT.value]),
        )
        .with_for_update()
    ):  # fmt: skip
        params = dict(row.params)
        if isinstance(params.get("completed"), list):
            params["completed"] = kept(params["completed"])
        award = params.get("award")
        if isinstance(award, dict) and isinstance(award.get("completed"), list):
            params["award"] = {**award, "completed": kept(award["completed"])}
        if params != row.params:
            row.params = params


async def _tell(
    session: AsyncSession, now: datetime, award: Award, undone: list[Undone], withdrawn: bool,
    roles: dict[str, str],
) -> None:  # fmt: skip
    """Say what the revocation undid in the teacher's revocation notice, if it still waits;
    else (it went out before this ran) in a notice of its own, queued once."""
    issued = await session.scalar(
        select(IssuedCredential).where(IssuedCredential.award_id == award.id)
    )
    undid = [u.as_params() for u in undone]
    notice = None
    if issued is not None:
        notice = await session.scalar(
            select(NudgeRow)
            .where(NudgeRow.key == f"revoked:{issued.public_id}",
                   NudgeRow.status.in_(outbox.UNSENT))
            .with_for_update()
        )
    if notice is not None:
        notice.params = {**notice.params, "undid": undid, "withdrawn": withdrawn, "roles": roles}
        return
    name = str(issued.document.get("name")) if issued is not None else ""
    outbox.queue(
        session, now, key=f"revoked-undid:{award.id}", district_id=award.district_id,
        person_id=award.teacher_id, kind=NudgeKind.CREDENTIAL_REVOKED,
        subject=f"award-undid:{award.id}",
        params={"name": name, "undid": undid, "withdrawn": withdrawn, "only_undid": True,
                "roles": roles},
    )  # fmt: skip
