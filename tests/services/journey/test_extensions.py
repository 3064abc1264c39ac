"""More time, as an admin gives it in chat: a teacher's hardship extension into the summer moves
their plan and their reminders and lets them hand in after the others' window closed; a cohort's
extension moves its window; every refusal says what to type instead and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.domain.roles import Role
from coachbot.storage.models import AuditEvent, Cohort, MilestoneRow, NudgeRow, Pursuit, WorkPlan
from tests.helpers import ANA, BEN, DEE, SAM, actor
from tests.services.nudging.test_sweep_and_dispatch import at, planned_in_chat, rows

SUMMER = date(2027, 8, 13)
WINDOW_CLOSES = date(2027, 5, 28)  # the district's window (tests/fixtures/small_catalog.yaml)


async def _plan(services: Services, pursuit_id: int) -> tuple[date, list[date]]:
    async with services.db.read() as session:
        plan = await session.scalar(select(WorkPlan).where(WorkPlan.pursuit_id == pursuit_id))
        assert plan is not None
        steps = await session.scalars(
            select(MilestoneRow.due_on)
            .where(MilestoneRow.plan_id == plan.id)
            .order_by(MilestoneRow.position)
        )
        return plan.deadline, list(steps)


async def _ana_pursuit(services: Services) -> int:
    teacher = await actor(services, ANA)
    async with services.db.read() as session:
        found = await session.scalar(
            select(Pursuit.id).where(Pursuit.teacher_id == teacher.person_id)
        )
    assert found is not None
    return found


async def test_a_hardship_extension_moves_the_plan_and_the_reminders_and_tells_the_teacher(
    district: Services,
) -> None:
    room, milestones = await planned_in_chat(district)
    pursuit_id = await _ana_pursuit(district)
    before, steps_before = await _plan(district, pursuit_id)
    district.clock.set(at(milestones[0][1] - timedelta(days=2), 9))
    nudging = build_nudging(district, room)
    await nudging.sweep.run()  # a reminder about the first step waits to be sent
    assert [r.status for r in await rows(district)] == ["pending"]

    said = await room.as_(DEE).command(
        "extend", f"{ANA} until {SUMMER.isoformat()} because family leave"
    )
    assert "Done: Ana Teacher can now hand in" in said and "Friday, August 13, 2027" in said
    deadline, steps = await _plan(district, pursuit_id)
    # The plan moves by the extension's length (from the window's old closing day), not by
    # the gap between the plan's own deadline and the new day.
    moved = (SUMMER - WINDOW_CLOSES).days
    assert "instead of Friday, May 28, 2027" in said and f"moved {moved} days later" in said
    assert deadline == min(SUMMER, before + timedelta(days=moved))
    assert steps == [min(deadline, d + timedelta(days=moved)) for d in steps_before]
    reminder, news = await rows(district)  # read after the news was sent
    assert (reminder.status, reminder.dropped_reason) == ("dropped", "extended")
    told = room.as_(ANA).last  # the news went out right after the turn
    assert news.status == "sent"
    assert "Dee Admin has given you more time" in told and "August 13, 2027" in told
    assert news.kind == "window_extended"
    async with district.db.read() as session:
        trail = await session.scalar(select(AuditEvent).where(AuditEvent.action == "extend"))
    assert trail is not None and trail.reason == "family leave"


async def test_the_extended_teacher_is_warned_before_their_own_day_and_not_the_others(
    district: Services,
) -> None:
    room, _ = await planned_in_chat(district)
    await room.as_(DEE).command("extend", f"{ANA} until {SUMMER.isoformat()} because surgery")
    nudging = build_nudging(district, room)
    district.clock.set(at(date(2027, 5, 21), 9))  # a week before the district's window closes
    await nudging.sweep.run()
    assert not [r for r in await rows(district) if r.kind == "window_closing"]
    district.clock.set(at(SUMMER - timedelta(days=7), 9))
    await nudging.sweep.run()
    (closing,) = [r for r in await rows(district) if r.kind == "window_closing"]
    assert closing.params["closes"] == SUMMER.isoformat()


async def test_after_the_window_only_the_extended_teacher_may_still_plan_to_hand_in(
    district: Services,
) -> None:
    room = LocalDriver(district)
    for email in (ANA, BEN):
        await room.as_(email).command("choose", "C-ONE")
        await room.as_(email).press("use_plan")
    await room.as_(DEE).command("extend", f"{ANA} C-ONE until {SUMMER.isoformat()} because leave")
    district.clock.set(at(date(2027, 6, 7), 10))  # the district's window closed on May 28
    moved = await room.as_(ANA).command("deadline", "2027-08-02")
    assert "due *Monday, August 2, 2027*" in moved
    refused = await room.as_(BEN).command("deadline", "2027-08-02")
    # Ben's window has no day left: said plainly, with whom to ask (not "outside the window").
    assert "*Questioning for Discourse* closed on Friday, May 28, 2027" in refused
    assert "Ask your district admin for more time: they can extend the window for you." in refused


async def test_a_cohort_extension_moves_its_window_and_tells_who_is_working(
    district: Services,
) -> None:
    room = LocalDriver(district)
    dee = room.as_(DEE)
    admin = await actor(district, DEE)
    fall = await district.cohorts.create(admin, "Fall Cohort", date(2026, 9, 1), date(2027, 6, 1))
    await district.cohorts.add_member(admin, fall, ANA, Role.TEACHER)
    await room.as_(ANA).command("choose", "C-ONE")
    said = await dee.command("extend", "cohort fall cohort until June 25 2027 because snow days")
    assert "*Fall Cohort*'s submission window now closes on Friday, June 25, 2027" in said
    assert "sending a message to the 1 teacher" in said
    async with district.db.read() as session:
        cohort = await session.scalar(select(Cohort).where(Cohort.name == "Fall Cohort"))
    assert cohort is not None and cohort.window_closes_on == date(2027, 6, 25)
    assert "extended the submission window for *Fall Cohort*" in room.as_(ANA).last


async def test_mistakes_get_words_and_change_nothing(district: Services) -> None:
    room, _ = await planned_in_chat(district)
    dee = room.as_(DEE)
    no_reason = await dee.command("extend", f"{ANA} until {SUMMER.isoformat()}")
    assert 'add the reason after "because"' in no_reason
    garbled = await dee.command("extend", f"{ANA} until someday because leave")
    assert '"someday" isn\'t a date I can read' in garbled
    earlier = await dee.command("extend", f"{ANA} until 2027-05-01 because leave")
    assert "More time means a later day" in earlier
    usage = await dee.command("extend", "")
    assert "Write it like: extend ana@school.org until" in usage
    nobody = await dee.command("extend", f"nobody@testville.example until {SUMMER} because x")
    assert 'find a person "nobody@testville.example"' in nobody
    teacher = await room.as_(ANA).command("extend", f"{ANA} until {SUMMER} because I want to")
    assert "*extend* is for district admins and school admins" in teacher
    principal = await room.as_(SAM).command("extend", f"{ANA} until {SUMMER} because leave")
    assert "can't give more time here" in principal
    # A school admin is an admin: the refusal names who gives one teacher more time.
    assert "that's for a district admin." in principal
    async with district.db.read() as session:
        extended = await session.scalar(select(Pursuit.window_extended_to))
        queued = await session.scalar(select(NudgeRow.id))
    assert extended is None and queued is None
