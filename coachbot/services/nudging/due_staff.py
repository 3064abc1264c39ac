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
from coachbot.domain.school_days import is_school_day
from coachbot.services.district import school_breaks
from coachbot.services.journey.approval_records import last_request
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
    MilestoneRow,
    NudgeRow,
    Person,
    Pursuit,
    Review,
    RoleGrantRow,
    WorkPlan,
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
                # The reminder is a card to decide from, as the first notice was: what the
                # teacher wrote, beside the buttons (few requests wait, so one read each).
                asked = await last_request(session, pid)
                reasons = {"reasons": asked.reasons, "plan": asked.plan} if asked else {}
                for approver, scope in grants:
                    if scope is None or scope == school:
                        found.append(
                            Due(
                                approver,
                                NudgeKind.APPROVAL_WAITING,
                                f"pursuit:{pid}",
                                updated.date().isoformat(),
                                now,
                                {"credential": title, "teacher": teacher, "pursuit_id": pid,
                                 **reasons},
                            )
                        )
                        if len(found) >= size:
                            yield found
                            found = []
    if found:
        yield found

# A teacher still quiet, with nothing else changed, is named again after this long.
QUIET_AGAIN = timedelta(days=14)


async def weekly_digests(
    session: AsyncSession,
    district_id: int,
    today: date,
    now: datetime,
    t: Thresholds,
    size: int = CHUNK,
) -> Chunks:
    """On Mondays, each cohort facilitator hears who is on track and who has gone quiet (for
    how long, and their next step), with what changed since the last digest. Not in a week of
    school breaks, and not at all when nothing changed."""
    if today.weekday() != 0:
        return
    breaks = await school_breaks(session, district_id, today)
    if not any(is_school_day(today + timedelta(days=n), breaks) for n in range(5)):
        return  # a holiday week: nobody is at school to read it
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
        quiet = await _quiet_teachers(session, [p for p in teachers if p not in moving], now)
        stalled = sorted(teachers[pid] for pid in quiet)
        on_track = sorted(name for pid, name in teachers.items() if pid not in quiet)
        for facilitator in facilitators:
            subject = f"cohort:{cohort_id}"
            latest = (await session.execute(
                select(NudgeRow.params, NudgeRow.created_at)
                .where(
                    NudgeRow.person_id == facilitator,
                    NudgeRow.kind == NudgeKind.WEEKLY_DIGEST.value,
                    NudgeRow.subject == subject,
                    NudgeRow.status == "sent",
                )
                .order_by(NudgeRow.created_at.desc())
                .limit(1)
            )).first()
            last, last_sent = (latest[0], latest[1]) if latest else (None, None)
            before = set((last or {}).get("stalled", []))
            params = {
                "cohort": cohort,
                "on_track": on_track,
                "stalled": stalled,
                "quiet": [
                    [teachers[pid], days, step] for pid, (days, step) in sorted(
                        quiet.items(), key=lambda item: teachers[item[0]]
                    )
                ],
                "newly_quiet": [name for name in stalled if name not in before],
                "back": sorted(before - set(stalled)),
                "still_quiet": [name for name in stalled if name in before],
            }
            unchanged = last is not None and last.get("stalled") == stalled and (
                last.get("on_track") == on_track
            )
            # Nothing changed since last week's digest: no second copy of it. But a teacher
            # still quiet is not forgotten: after a fortnight of silence the facilitator hears
            # about them again, with how long it has been now.
            if unchanged and not (
                stalled and last_sent is not None and now - last_sent >= QUIET_AGAIN
            ):
                continue
            found.append(Due(facilitator, NudgeKind.WEEKLY_DIGEST, subject, week, now, params))
            if len(found) >= size:
                yield found
                found = []
    if found:
        yield found


async def _quiet_teachers(
    session: AsyncSession, teacher_ids: list[int], now: datetime
) -> dict[int, tuple[int, str]]:
    """For each quiet teacher: days since their last activity on open work, and their next
    step (the first milestone not done), so a facilitator knows what to ask about."""
    if not teacher_ids:
        return {}
    quiet: dict[int, tuple[int, str]] = dict.fromkeys(teacher_ids, (0, ""))
    rows = await session.execute(
        select(Pursuit.id, Pursuit.teacher_id, Pursuit.last_activity_at)
        .where(Pursuit.teacher_id.in_(teacher_ids), Pursuit.state.in_(BEFORE_SUBMITTING))
        .order_by(Pursuit.last_activity_at)
    )
    for pursuit_id, teacher, last in rows.all():
        step = await session.scalar(
            select(MilestoneRow.title)
            .join(WorkPlan, WorkPlan.id == MilestoneRow.plan_id)
            .where(WorkPlan.pursuit_id == pursuit_id, MilestoneRow.done_at.is_(None))
            .order_by(MilestoneRow.due_on, MilestoneRow.position)
            .limit(1)
        )
        quiet[teacher] = ((now - last).days, step or "")
    return quiet
