"""A teacher chooses a credential: a new pursuit, proposed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.cohort_days import last_day
from coachbot.domain.errors import NotFound, NotPermitted, PreconditionFailed
from coachbot.domain.journey import State
from coachbot.domain.policy import Window
from coachbot.domain.roles import Actor, Role
from coachbot.services.journey.planning import local_today
from coachbot.services.record import audit, idempotency
from coachbot.storage.codec import policy_from_json
from coachbot.storage.database import Database
from coachbot.storage.models import Cohort, CohortMember, CredentialRow, District, Pursuit


@dataclass(frozen=True)
class Chosen:
    pursuit_id: int
    credential_code: str
    credential_title: str
    needs_approval: bool
    replayed: bool = False


class ChoosingService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def choose(
        self, actor: Actor, credential_code: str, *, idempotency_key: str | None = None
    ) -> Chosen:
        if actor.is_system or not actor.has_role(Role.TEACHER, anywhere=True):
            raise NotPermitted(move="choose", parties=["owner"])

        async def work(session: AsyncSession) -> dict[str, Any]:
            return await self._choose(session, actor, credential_code)

        try:
            outcome, replayed = await idempotency.once(
                self.db, self.clock.now(), idempotency_key, work, scope="choose"
            )
        except IntegrityError:
            # Two "choose" requests raced past the check; the unique index let one through.
            raise PreconditionFailed(
                need="not_already_pursuing", credential=credential_code, state=State.PROPOSED.value
            ) from None
        return Chosen(**outcome, replayed=replayed)

    async def _choose(self, session: AsyncSession, actor: Actor, code: str) -> dict[str, Any]:
        assert actor.person_id is not None and actor.district_id is not None
        credential = await session.scalar(
            select(CredentialRow).where(
                CredentialRow.district_id == actor.district_id,
                func.lower(CredentialRow.code) == code.strip().lower(),
                CredentialRow.active.is_(True),
            )
        )
        if credential is None:
            raise NotFound(what="credential", key=code.strip())
        live = await session.scalar(
            select(Pursuit.state).where(
                Pursuit.teacher_id == actor.person_id,
                Pursuit.credential_id == credential.id,
                Pursuit.state != State.WITHDRAWN.value,
            )
        )
        if live is not None:
            raise PreconditionFailed(
                need="not_already_pursuing", credential=credential.title, state=live
            )
        district = await session.get(District, actor.district_id)
        assert district is not None
        policy = policy_from_json(district.policy)
        cohort_id = await self._cohort_for(session, actor.person_id, policy.submission_window,
                                           local_today(self.clock, district.timezone))  # fmt: skip
        now = self.clock.now()
        pursuit = Pursuit(
            district_id=actor.district_id,
            teacher_id=actor.person_id,
            credential_id=credential.id,
            cohort_id=cohort_id,
            state=State.PROPOSED.value,
            version=1,
            attempts=0,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        session.add(pursuit)
        await session.flush()
        audit.on_pursuit(
            session,
            pursuit,
            actor,
            "choose",
            at=now,
            to_state=State.PROPOSED.value,
            details={"credential": credential.code},
        )
        needs = policy.needs_preapproval(credential.code)
        return {
            "pursuit_id": pursuit.id,
            "credential_code": credential.code,
            "credential_title": credential.title,
            "needs_approval": needs,
        }

    @staticmethod
    async def _cohort_for(
        session: AsyncSession, person_id: int, shared: Window | None, today: date
    ) -> int | None:
        """The cohort a new credential is worked in: the latest joined of the teacher's cohorts
        still open, else the latest joined (its closed window is then said plainly)."""
        rows = await session.scalars(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.person_id == person_id, CohortMember.role == "teacher")
            .order_by(CohortMember.joined_at.desc())
        )
        cohorts = list(rows)
        for cohort in cohorts:
            own = (
                Window(cohort.window_opens_on, cohort.window_closes_on)
                if cohort.window_opens_on and cohort.window_closes_on
                else None
            )
            if last_day(cohort.ends_on, own, shared) >= today:
                return cohort.id
        return cohorts[0].id if cohorts else None
