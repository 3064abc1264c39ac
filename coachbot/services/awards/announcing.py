"""The district channel's announcement of an earner, queued in the award's own transaction.

The earner hears before the channel does: the announcement is an outbox row that names the
earner's own message (``after``), and the dispatcher releases it only once that message was sent
or read in chat. At night both wait for the morning; by day the earner's message goes first.
A teacher who opted out of being named is celebrated without their name; names and titles are
data inside a fixed template, so nothing a teacher typed can become a mass mention or a spoof.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.nudges import NudgeKind
from coachbot.services.record import outbox
from coachbot.storage.codec import policy_from_json
from coachbot.storage.models import (
    Award,
    CommitteeRequest,
    Completion,
    CredentialRow,
    District,
    PathwayRow,
    Person,
    PersonSettings,
    School,
    StackRow,
)


async def queue_announcement(
    session: AsyncSession, now: datetime, award_id: int, *, after: str
) -> None:
    """Queue the channel's announcement of ``award_id``, to go once the outbox row ``after``
    (the earner's own news) is delivered or read; nothing when the district has no channel."""
    award = await session.get(Award, award_id)
    assert award is not None
    district = await session.get(District, award.district_id)
    assert district is not None
    channel = policy_from_json(district.policy).announcement_channel
    if not channel:
        return
    outbox.queue(
        session,
        now,
        key=f"announce:{award_id}",
        district_id=award.district_id,
        person_id=award.teacher_id,  # whose news it follows, and whose day it waits for
        kind=NudgeKind.AWARD_ANNOUNCEMENT,
        subject=f"award:{award_id}",
        params=await _words(session, award) | {
            "channel": channel, "district_id": award.district_id, "after": after,
        },
    )  # fmt: skip


async def _words(session: AsyncSession, award: Award) -> dict[str, Any]:
    teacher = await session.get(Person, award.teacher_id)
    credential = await session.get(CredentialRow, award.credential_id)
    assert teacher is not None and credential is not None
    school = await session.get(School, teacher.school_id) if teacher.school_id else None
    settings = await session.get(PersonSettings, teacher.id)
    completed = [list(done) for done in await completed_by(session, award)]
    named = settings.named_in_announcements if settings else True
    return {
        "named": named,
        "teacher": teacher.name if named else "",
        "school": school.name if school else "",
        "credential": credential.title,
        "completed": completed,
    }


async def completed_by(session: AsyncSession, award: Award) -> list[tuple[str, str, str, str]]:
    """The stacks and pathways this award completed: (kind, title, what completing brought,
    the committee that still decides it or "")"""
    completed: list[tuple[str, str, str, str]] = []
    for done in await session.scalars(
        select(Completion).where(
            Completion.teacher_id == award.teacher_id, Completion.completed_at == award.awarded_at,
            Completion.undone_at.is_(None),  # undone by a revocation: it no longer counts
        )
    ):
        row: StackRow | PathwayRow | None
        if done.kind == "stack":
            row = await session.get(StackRow, done.subject_id)
        else:
            row = await session.get(PathwayRow, done.subject_id)
        if row is not None:
            committee = ""
            if done.kind == "pathway":  # what the committee decides is not granted yet
                committee = (
                    await session.scalar(
                        select(CommitteeRequest.committee).where(
                            CommitteeRequest.completion_id == done.id
                        )
                    )
                    or ""
                )
            outcome = (done.outcome or {}).get("value", "")
            completed.append((done.kind, row.title, outcome, committee))
    return completed
