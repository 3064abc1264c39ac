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

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.roles import Actor
from coachbot.services.record import audit
from coachbot.storage.models import CommitteeRequest, Completion, RoleGrantRow

REMOVED, KEPT = "removed", "kept"  # what the teacher is told about a role an undoing touched


def granted_role(completion: Completion) -> str:
    """The role the completion's outcome grants ("" when it grants none)."""
    outcome: dict[str, Any] = completion.outcome or {}
    return str(outcome.get("value", "")) if outcome.get("kind") == "role" else ""


async def role_fate(
    session: AsyncSession, completion: Completion, leaving: frozenset[int] = frozenset()
) -> tuple[str, str]:
    """What undoing ``completion`` does to the role it granted: (role, REMOVED) when its grant
    is the teacher's only hold on it, (role, KEPT) when she holds it anyway (another standing
    pathway that grants it, not one of ``leaving``, or the roster), ("", "") when it granted
    none or she never got it. The one decision both the preview and ``take_back_role`` make."""
    role, grant, other = await _decide(session, completion, leaving)
    if not role:
        return "", ""
    if other is not None:
        return role, KEPT  # the grant is handed to that standing pathway
    if grant is not None:
        return role, KEPT if await _held(session, completion, role, leaving, grant.id) else REMOVED
    return (role, KEPT) if await _held(session, completion, role, leaving, None) else ("", "")


async def _held(
    session: AsyncSession, completion: Completion, role: str, leaving: frozenset[int],
    but: int | None,
) -> bool:  # fmt: skip
    """Whether the teacher holds ``role`` by a grant other than ``but`` that is not one of the
    completions being undone (the roster, an admin, a pathway still standing)."""
    found = await session.scalar(
        select(RoleGrantRow.id).where(
            RoleGrantRow.person_id == completion.teacher_id, RoleGrantRow.role == role,
            RoleGrantRow.id != (but or 0),
            or_(RoleGrantRow.completion_id.is_(None),
                RoleGrantRow.completion_id.not_in(leaving | {completion.id})),
        ).limit(1)
    )  # fmt: skip
    return found is not None


async def take_back_role(
    session: AsyncSession, now: datetime, actor: Actor, completion: Completion, why: str,
    leaving: frozenset[int] = frozenset(),
) -> str:  # fmt: skip
    """Inside the undoing's transaction: remove the grant ``completion`` made (returns its
    role), or hand it to another standing completion that grants the same role and is not
    also being undone (``leaving``) ("")."""
    role, grant, other = await _decide(session, completion, leaving)
    if not role or grant is None:
        return ""  # held anyway, or its committee never approved it: nothing of this one's
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


async def _decide(
    session: AsyncSession, completion: Completion, leaving: frozenset[int]
) -> tuple[str, RoleGrantRow | None, int | None]:
    """The completion's role, the grant it made (if any), and the standing completion that
    would take that grant over (if any)."""
    role = granted_role(completion)
    if not role:
        return "", None, None
    grant = await session.scalar(
        select(RoleGrantRow).where(
            RoleGrantRow.person_id == completion.teacher_id,
            RoleGrantRow.role == role,
            RoleGrantRow.completion_id == completion.id,
        )
    )
    if grant is None:
        return role, None, None
    return role, grant, await _other_grantor(session, completion, role, leaving)


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


async def _other_grantor(
    session: AsyncSession, completion: Completion, role: str, leaving: frozenset[int]
) -> int | None:
    """Another of the teacher's standing completions whose outcome grants ``role`` and was
    granted (no committee, or its committee approved), if any."""
    for other in await session.scalars(
        select(Completion)
        .where(
            Completion.teacher_id == completion.teacher_id,
            Completion.id.not_in(leaving | {completion.id}),
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
