"""Another try after "not yet": the facilitator's call once they have met the teacher.

A district bounds formal submissions (BloomBoard: three). At the bound the teacher is offered a
meeting instead of a fourth try, and the cohort's facilitators hear that it is time to meet;
after the meeting a facilitator of the teacher's cohort (or a district admin: only they when the
pursuit has no cohort) allows one more try, and only after the last "not yet". Each allowance is an
event in the append-only audit trail, so the count cannot be rewritten and the record shows who
allowed it and when; no table of its own is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.errors import NotPermitted, OwnWork, PreconditionFailed
from coachbot.domain.journey import State
from coachbot.domain.roles import Actor, Role
from coachbot.services.journey.gate import lock_pursuit
from coachbot.services.record import audit, idempotency
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import AuditEvent, CohortMember, District, Pursuit

EXTRA_TRY = "extra_try"


async def allowed_tries(session: AsyncSession, pursuit: Pursuit, limit: int) -> int:
    """How many formal submissions ``pursuit`` may have: the district's bound plus every extra
    try a facilitator allowed."""
    extra = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.subject_type == "pursuit",
            AuditEvent.subject_id == pursuit.id,
            AuditEvent.action == EXTRA_TRY,
        )
    )
    return limit + (extra or 0)


@dataclass(frozen=True)
class ExtraTry:
    pursuit_id: int
    teacher_id: int
    tries: int  # formal submissions the teacher may now make in all
    used: int  # formal submissions made so far
    replayed: bool = False


class ExtraTries:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def allow(
        self, actor: Actor, pursuit_id: int, *, idempotency_key: str | None = None
    ) -> ExtraTry:
        """Allow ``pursuit_id``'s teacher one more formal submission.

        Only a facilitator of the teacher's cohort or a district admin may, never the teacher,
        and only once the teacher has used every try (so a double press allows one, not two)."""

        async def work(session: AsyncSession) -> dict[str, Any]:
            pursuit = await lock_pursuit(session, self.db, pursuit_id)
            if actor.person_id == pursuit.teacher_id:
                raise OwnWork(move=EXTRA_TRY)
            if not await self._may_allow(session, actor, pursuit):
                raise NotPermitted(move=EXTRA_TRY, parties=["facilitator", "admin"])
            if pursuit.state != State.NOT_YET.value:  # only after the last "not yet"
                raise PreconditionFailed(need="after_not_yet", state=pursuit.state)
            district = await session.get(District, pursuit.district_id)
            assert district is not None
            limit = policy_from_json(district.policy).resubmission_limit
            tries = await allowed_tries(session, pursuit, limit)
            if pursuit.attempts < tries:
                raise PreconditionFailed(need="tries_left", left=tries - pursuit.attempts)
            audit.on_pursuit(
                session, pursuit, actor, EXTRA_TRY, at=self.clock.now(),
                details={"attempts": pursuit.attempts, "tries": tries + 1},
            )  # fmt: skip
            return {"pursuit_id": pursuit.id, "teacher_id": pursuit.teacher_id,
                    "tries": tries + 1, "used": pursuit.attempts}

        outcome, replayed = await idempotency.once(
            self.db, self.clock.now(), idempotency_key, work, scope=EXTRA_TRY
        )
        return ExtraTry(**outcome, replayed=replayed)

    @staticmethod
    async def _may_allow(session: AsyncSession, actor: Actor, pursuit: Pursuit) -> bool:
        if actor.district_id != pursuit.district_id:
            return False
        if actor.has_role(Role.DISTRICT_ADMIN):
            return True
        if pursuit.cohort_id is None or actor.person_id is None:
            return False  # no cohort, no facilitator of it: the district admins decide
        facilitates = await session.scalar(
            select(CohortMember.person_id).where(
                CohortMember.cohort_id == pursuit.cohort_id,
                CohortMember.person_id == actor.person_id,
                CohortMember.role == Role.FACILITATOR.value,
            )
        )
        return facilitates is not None
