"""Pre-approval as units of work: a request and every approver's notice, a decision and the
teacher's news, each commit together in the outbox; quiet hours hold approvers' pings; a request
decided by someone else is answered with who did it, and only to someone who could have."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.clock import VirtualClock
from coachbot.composition import Services, build_nudging
from coachbot.domain.errors import AlreadyDecided, NotPermitted, ReasonRequired
from coachbot.domain.journey import State
from coachbot.storage.models import AuditEvent, NudgeRow, Person, Pursuit
from tests.helpers import ANA, CARA, DEE, SAM, actor

NIGHT = datetime(2026, 9, 9, 6, 0, tzinfo=UTC)  # 01:00 in Chicago, a Wednesday
MORNING = datetime(2026, 9, 9, 12, 31, tzinfo=UTC)  # 07:31 there: quiet hours are over


async def asking(services: Services, email: str = ANA) -> int:
    teacher = await actor(services, email)
    chosen = await services.choosing.choose(teacher, "C-APPROVE")
    await services.approvals.request(
        teacher,
        chosen.pursuit_id,
        reasons="Our school goal is student discourse; projects get students talking.",
        plan="Six weeks in spring, one project with grade 7.",
    )
    return chosen.pursuit_id


async def outbox(services: Services) -> list[tuple[str, str, str, dict[str, object]]]:
    """(person's email, kind, status, params) of every outbox row, oldest first."""
    async with services.db.read() as session:
        rows = await session.execute(
            select(Person.email, NudgeRow.kind, NudgeRow.status, NudgeRow.params)
            .join(Person, Person.id == NudgeRow.person_id)
            .order_by(NudgeRow.id)
        )
        return [(e, k, s, dict(p)) for e, k, s, p in rows.all()]


async def test_a_request_and_each_approvers_notice_commit_together(district: Services) -> None:
    pursuit_id = await asking(district)
    rows = await outbox(district)
    assert [(e, k, s) for e, k, s, _ in rows] == [
        (SAM, "approval_requested", "pending"),
        (DEE, "approval_requested", "pending"),
    ]
    params = rows[0][3]
    assert str(params["reasons"]).startswith("Our school goal is student discourse;")
    assert params["plan"] == "Six weeks in spring, one project with grade 7."
    assert params["teacher"] == "Ana Teacher"
    request = await district.read.approval_request(pursuit_id)
    assert request is not None and request.plan.startswith("Six weeks")


async def test_a_decision_and_the_teachers_news_commit_together(district: Services) -> None:
    pursuit_id = await asking(district)
    sam = await actor(district, SAM)
    decided = await district.approvals.send_back(
        sam, pursuit_id, "Please say which grade will present, and to whom."
    )
    assert (decided.decision, decided.teacher) == ("send_back", "Ana Teacher")
    rows = await outbox(district)
    # Nobody is asked about a request that is no longer waiting.
    assert [s for e, k, s, _ in rows if k == "approval_requested"] == ["dropped", "dropped"]
    [(email, _, status, params)] = [r for r in rows if r[1] == "approval_decided"]
    assert (email, status) == (ANA, "pending")
    assert params["reason"] == "Please say which grade will present, and to whom."
    assert params["approver"] == "Sam Principal"
    async with district.db.read() as session:
        pursuit = await session.get(Pursuit, pursuit_id)
        assert pursuit is not None and pursuit.state == State.SENT_BACK


async def test_an_empty_note_stores_nothing(district: Services) -> None:
    pursuit_id = await asking(district)
    before = await outbox(district)
    with pytest.raises(ReasonRequired):
        await district.approvals.send_back(await actor(district, SAM), pursuit_id, "   ")
    assert await outbox(district) == before
    async with district.db.read() as session:
        decided = await session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "send_back")
        )
    assert decided is None


async def test_a_second_approver_is_told_who_decided_and_when(district: Services) -> None:
    pursuit_id = await asking(district)
    seen = (await district.read.approvals(await actor(district, DEE)))[0].version
    await district.approvals.approve(await actor(district, SAM), pursuit_id)
    with pytest.raises(AlreadyDecided) as caught:
        await district.approvals.send_back(
            await actor(district, DEE), pursuit_id, "Too late", expected_version=seen
        )
    assert caught.value.params["decision"] == "approve"
    assert caught.value.params["by"] == "Sam Principal"
    assert caught.value.params["at"] is not None
    # The form is not even opened for a request already decided.
    with pytest.raises(AlreadyDecided):
        await district.approvals.check_waiting(await actor(district, DEE), pursuit_id, seen)
    # Only the teacher's one "approved" message is queued, never a second answer.
    kinds = [k for _, k, _, _ in await outbox(district)]
    assert kinds.count("approval_decided") == 1


async def test_someone_who_could_not_decide_learns_nothing_about_it(district: Services) -> None:
    pursuit_id = await asking(district, CARA)  # a South teacher; Sam is North's principal
    await district.approvals.approve(await actor(district, DEE), pursuit_id)
    with pytest.raises(NotPermitted):
        await district.approvals.approve(await actor(district, SAM), pursuit_id)


async def test_approvers_are_not_pinged_at_night(district: Services, clock: VirtualClock) -> None:
    clock.set(NIGHT)
    room = LocalDriver(district)
    await asking(district)
    dispatcher = build_nudging(district, room).dispatcher
    assert (await dispatcher.run_once()).deferred == 2
    assert room.as_(SAM).mailbox.replies == []
    clock.set(MORNING)
    assert (await dispatcher.run_once()).sent == 2
    assert "Our school goal is student discourse" in room.as_(SAM).last
    assert "Six weeks in spring" in room.as_(DEE).last
