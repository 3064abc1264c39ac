"""What is due to the staff around the teachers: reviewers (and admins when a review runs late),
approvers of waiting requests, and cohort facilitators' weekly digest.

Like the teachers' queries in ``due``, each is an async generator yielding what is due at most
``size`` at a time (a row here can mean several reminders, one per admin or approver, so the
chunk is cut after the reminder that fills it), in the order a single read would have found
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.domain.journey import State
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.reviews import ReviewStatus
from coachbot.services.nudging.due import (
    BEFORE_SUBMITTING,
    CATCH_UP,
    CHUNK,
    Chunks,
    Due,
    Thresholds,
    streamed,
)
from coachbot.storage.models import (
    Cohort,
    CohortMember,
    CredentialRow,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
)


async def reviews(
    session: AsyncSession,
    district_id: int,
    now: datetime,
    t: Thresholds,
    admins: list[int],
    size: int = CHUNK,
) -> Chunks:
    statement = (
        select(Review.id, Review.reviewer_id, Review.due_at, Review.purpose, CredentialRow.title)
        .join(Pursuit, Pursuit.id == Review.pursuit_id)
        .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
        .where(
            Review.status == ReviewStatus.ASSIGNED,
            Pursuit.district_id == district_id,
            Review.due_at <= now + timedelta(days=t.review_soon_days),
            Review.due_at > now - CATCH_UP - timedelta(days=t.escalate_after_days),
        )
    )
    found: list[Due] = []
    async with streamed(session, statement, size) as parts:
        async for rows in parts:
            for rid, reviewer, due_at, purpose, title in rows:
                params = {
                    "review_id": rid,
                    "credential": title,
                    "due": due_at.isoformat(),
                    "purpose": purpose,
                }
                slot = due_at.date().isoformat()
                subject = f"review:{rid}"
                if due_at > now:
                    found.append(
                        Due(reviewer, NudgeKind.REVIEW_DUE_SOON, subject, slot, now, params)
                    )
                else:
                    found.append(Due(reviewer, NudgeKind.REVIEW_LATE, subject, slot, now, params))
                    if due_at <= now - timedelta(days=t.escalate_after_days):
                        found += [
                            Due(admin, NudgeKind.REVIEW_ESCALATION, subject, slot, now, params)
                            for admin in admins
                            if admin != reviewer
                        ]
                if len(found) >= size:
                    yield found
                    found = []
    if found:
        yield found


async def approvals_waiting(
    session: AsyncSession,
    district_id: int,
    now: datetime,
    t: Thresholds,
    approver_roles: list[str],
    size: int = CHUNK,
) -> Chunks:
    """Requests that have waited for pre-approval: each approver who may decide hears once."""
    newest = now - timedelta(days=t.approval_after_days)
    waiting = (
        select(Pursuit.id, Pursuit.updated_at, Person.school_id, Person.name, CredentialRow.title)
        .join(Person, Person.id == Pursuit.teacher_id)
        .join(CredentialRow, CredentialRow.id == Pursuit.credential_id)
        .where(
            Pursuit.district_id == district_id,
            Pursuit.state == State.AWAITING_APPROVAL.value,
            Pursuit.updated_at <= newest,
            Pursuit.updated_at > newest - CATCH_UP,
        )
    )
    grants: Sequence[Any] | None = None  # read once something waits
    found: list[Due] = []
    async with streamed(session, waiting, size) as parts:
        async for rows in parts:
            if grants is None:
                approvers = (
                    select(RoleGrantRow.person_id, RoleGrantRow.school_id)
                    .join(Person, Person.id == RoleGrantRow.person_id)
                    .where(
                        Person.district_id == district_id,
                        Person.active.is_(True),
                        RoleGrantRow.role.in_(approver_roles),
                    )
                )
                grants = (await session.execute(approvers)).all()
            for pid, updated, school, teacher, title in rows:
                for approver, scope in grants:
                    if scope is None or scope == school:
                        found.append(
                            Due(
                                approver,
                                NudgeKind.APPROVAL_WAITING,
                                f"pursuit:{pid}",
                                updated.date().isoformat(),
                                now,
                                {"credential": title, "teacher": teacher, "pursuit_id": pid},
                            )
                        )
                        if len(found) >= size:
                            yield found
                            found = []
    if found:
        yield found


async def weekly_digests(
    session: AsyncSession,
    district_id: int,
    today: date,
    now: datetime,
    t: Thresholds,
    size: int = CHUNK,
) -> Chunks:
    """On Mondays, each cohort facilitator hears who is on track and who has stalled."""
    if today.weekday() != 0:
        return
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    quiet_since = now - timedelta(days=t.inactive_days)
    found: list[Due] = []
    for cohort_id, cohort in (
        await session.execute(
            select(Cohort.id, Cohort.name).where(
                Cohort.district_id == district_id,
                Cohort.starts_on <= today,
                Cohort.ends_on >= today,
            )
        )
    ).all():
        members = (
            await session.execute(
                select(CohortMember.person_id, CohortMember.role, Person.name)
                .join(Person, Person.id == CohortMember.person_id)
                .where(CohortMember.cohort_id == cohort_id)
            )
        ).all()
        teachers = {pid: name for pid, role, name in members if role == "teacher"}
        facilitators = [pid for pid, role, _ in members if role == "facilitator"]
        if not teachers or not facilitators:
            continue
        # Done, or waiting on a reviewer, counts as on track; otherwise recent work does.
        moving = set(
            await session.scalars(
                select(Pursuit.teacher_id).where(
                    Pursuit.teacher_id.in_(list(teachers)),
                    or_(
                        Pursuit.state.in_(["earned", "submitted", "under_review"]),
                        and_(
                            Pursuit.state.in_(BEFORE_SUBMITTING),
                            Pursuit.last_activity_at > quiet_since,
                        ),
                    ),
                )
            )
        )
        stalled = sorted(name for pid, name in teachers.items() if pid not in moving)
        on_track = sorted(name for pid, name in teachers.items() if name not in stalled)
        for facilitator in facilitators:
            found.append(
                Due(
                    facilitator,
                    NudgeKind.WEEKLY_DIGEST,
                    f"cohort:{cohort_id}",
                    week,
                    now,
                    {"cohort": cohort, "on_track": on_track, "stalled": stalled},
                )
            )
            if len(found) >= size:
                yield found
                found = []
    if found:
        yield found
