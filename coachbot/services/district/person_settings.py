"""A person's own choices in chat: onboarding, goals, snooze, mute and privacy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.roles import Actor
from coachbot.services.record import audit
from coachbot.storage.database import Database
from coachbot.storage.models import AuditEvent, Person, PersonSettings


@dataclass(frozen=True)
class SettingsView:
    onboarded: bool
    goals: list[str]
    snoozed_until: datetime | None
    muted: bool
    open_to_questions: bool
    named_in_announcements: bool
    basket_pursuit_id: int | None
    # Has done something in CoachBot already (chosen, planned, reviewed, joined...), onboarded
    # or not: people the demo or an import put mid-journey are not greeted as new.
    used: bool = False

    @property
    def new(self) -> bool:
        """Has really not used CoachBot yet: only they get the first-time welcome."""
        return not self.onboarded and not self.used


async def load_settings(session: AsyncSession, person_id: int, now: datetime) -> PersonSettings:
    row = await session.get(PersonSettings, person_id)
    if row is None:
        row = PersonSettings(
            person_id=person_id,
            onboarded_at=None,
            goals=[],
            snoozed_until=None,
            muted=False,
            open_to_questions=False,
            named_in_announcements=True,
            basket_pursuit_id=None,
            updated_at=now,
        )
        session.add(row)
    return row


class PersonSettingsService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def view(self, person_id: int) -> SettingsView:
        async with self.db.read() as session:
            row = await session.get(PersonSettings, person_id)
            used = await session.scalar(
                select(AuditEvent.id).where(AuditEvent.actor_id == person_id).limit(1)
            ) is not None
        if row is None:
            return SettingsView(False, [], None, False, False, True, None, used)
        return SettingsView(
            row.onboarded_at is not None,
            list(row.goals),
            row.snoozed_until,
            row.muted,
            row.open_to_questions,
            row.named_in_announcements,
            row.basket_pursuit_id,
            used,
        )

    async def update(self, actor: Actor, *, timezone: str | None = None, **changes: object) -> None:
        """Change any of: goals, snoozed_until, muted, open_to_questions, named_in_announcements,
        basket_pursuit_id, onboarded (True stamps now); ``timezone`` goes on the person."""
        assert actor.person_id is not None
        async with self.db.write() as session:
            now = self.clock.now()
            row = await load_settings(session, actor.person_id, now)
            if changes.pop("onboarded", False):
                row.onboarded_at = now
            for name, value in changes.items():
                if not hasattr(PersonSettings, name):
                    raise AttributeError(name)
                setattr(row, name, value)
            row.updated_at = now
            if timezone:
                person = await session.get(Person, actor.person_id)
                assert person is not None
                person.timezone = timezone
            audit.record(
                session,
                at=now,
                actor=actor,
                district_id=actor.district_id,
                subject_type="person",
                subject_id=actor.person_id,
                action="update_settings",
                details={k: str(v) for k, v in changes.items()}
                | ({"timezone": timezone} if timezone else {}),
            )
