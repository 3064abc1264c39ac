"""Taking back a role that an undone pathway had granted (a trial: the teacher stayed a badge
facilitator after the credential that made her one was revoked).

Only the grant that the completion itself made is taken back. A role the teacher holds anyway
(from the roster or an admin, or district-wide before the pathway) stays; so does one that
another pathway still standing also grants: the grant is handed to that completion, so that
undoing it later takes the role back then. Reviews the teacher already did are not touched:
they were done while she held the role, and the awards they decided stand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.roles import Actor
from coachbot.services.record import audit
from coachbot.storage.models import CommitteeRequest, Completion, RoleGrantRow

REMOVED, KEPT = "removed", "kept"  # what the teacher is told about a role an undoing touched


def granted_role(completion: Completion) -> str:
    """The role the completion's outcome grants ("" when it grants none)."""
    outcome: dict[str, Any] = completion.outcome or {}
    return str(outcome.get("value", "")) if outcome.get("kind") == "role" else ""


async def take_back_role(
    session: AsyncSession, now: datetime, actor: Actor, completion: Completion, why: str
) -> str:
    """Inside the undoing's transaction: remove the grant ``completion`` made (returns its
    role), or hand it to another standing completion that grants the same role ("")."""
    role = granted_role(completion)
    if not role:
        return ""
    grant = await session.scalar(
        select(RoleGrantRow).where(
            RoleGrantRow.person_id == completion.teacher_id,
            RoleGrantRow.role == role,
            RoleGrantRow.completion_id == completion.id,
        )
    )
    if grant is None:
        return ""  # held anyway, or its committee never approved it: nothing of this one's
    other = await _other_grantor(session, completion, role)
    if other is not None:
        grant.completion_id = other
        return ""
    await session.delete(grant)
    await session.flush()
    audit.record(
        session, at=now, actor=actor, district_id=actor.district_id,
        subject_type="person", subject_id=completion.teacher_id, action="revoke_role",
        reason=why, details={"role": role, "completion": completion.id},
    )  # fmt: skip
    return role


async def role_news(
    session: AsyncSession, teacher_id: int, undone: list[Completion], removed: set[str]
) -> dict[str, str]:
    """For each role an undone completion brought: "kept" if the teacher still holds it (another
    way), "removed" if an undoing took it back; absent if she never got it (no quorum yet)."""
    roles = {granted_role(c) for c in undone} - {""}
    held = set(
        await session.scalars(
            select(RoleGrantRow.role).where(
                RoleGrantRow.person_id == teacher_id, RoleGrantRow.role.in_(roles)
            )
        )
    )
    news = dict.fromkeys(roles & held, KEPT)
    return news | dict.fromkeys((roles & removed) - held, REMOVED)


async def _other_grantor(session: AsyncSession, completion: Completion, role: str) -> int | None:
    """Another of the teacher's standing completions whose outcome grants ``role`` and was
    granted (no committee, or its committee approved), if any."""
    for other in await session.scalars(
        select(Completion)
        .where(
            Completion.teacher_id == completion.teacher_id,
            Completion.id != completion.id,
            Completion.undone_at.is_(None),
            Completion.kind == "pathway",
        )
        .order_by(Completion.id)
    ):
        if granted_role(other) != role:
            continue
        state = await session.scalar(
            select(CommitteeRequest.state).where(CommitteeRequest.completion_id == other.id)
        )
        if state is None or state == "approved":
            return other.id
    return None
