"""Nudges end to end on a virtual clock: found once, sent once, at a humane hour, and dropped
when progress made them stale."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.outgoing import DeliveryFailed, Outgoing, RateLimited
from coachbot.storage.models import MilestoneRow, NudgeRow
from tests.helpers import ANA, DEE, actor

CHICAGO = ZoneInfo("America/Chicago")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)


async def planned_in_chat(services: Services) -> tuple[LocalDriver, list[tuple[int, date]]]:
    room = LocalDriver(services)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    # Fixed school days make the clock arithmetic plain: Thursdays from September 17.
    async with services.db.write() as session:
        rows = list(await session.scalars(select(MilestoneRow).order_by(MilestoneRow.position)))
        for week, milestone in enumerate(rows):
            milestone.due_on = date(2026, 9, 17) + timedelta(weeks=week)
        milestones = [(m.id, m.due_on) for m in rows]
    return room, milestones


async def rows(services: Services) -> list[NudgeRow]:
    async with services.db.read() as session:
        return list(await session.scalars(select(NudgeRow).order_by(NudgeRow.id)))


async def test_a_milestone_nudge_is_found_once_and_sent_once(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    _, first_due = milestones[0]
    district.clock.set(at(first_due - timedelta(days=2), 9))
    nudging = build_nudging(district, room)
    assert (await nudging.sweep.run()).created == 1
    assert (await nudging.sweep.run()).created == 0  # the same occasion is never doubled
    result = await nudging.dispatcher.run_once()
    assert result.sent == 1
    ana = room.as_(ANA)
    assert "coming up on" in ana.last
    assert ana.button("done")  # every reminder offers something to do
    assert (await nudging.dispatcher.run_once()).sent == 0
    (row,) = await rows(district)
    assert (row.status, row.platform_message_id is not None) == ("sent", True)


async def test_a_nudge_due_at_night_waits_for_the_morning(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    _, due = milestones[0]
    district.clock.set(at(due - timedelta(days=2), 20, 15))  # Tuesday evening
    nudging = build_nudging(district, room)
    await nudging.sweep.run()
    result = await nudging.dispatcher.run_once()
    assert (result.sent, result.deferred) == (0, 1)
    assert room.as_(ANA).mailbox.replies[-1].text.find("coming up") == -1
    (row,) = await rows(district)
    assert row.deliver_at.astimezone(CHICAGO).time().isoformat() == "07:30:00"
    district.clock.set(row.deliver_at)
    assert (await nudging.dispatcher.run_once()).sent == 1


async def test_progress_makes_a_nudge_stale_and_it_is_dropped(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    _, due = milestones[0]
    district.clock.set(at(due - timedelta(days=2), 9))
    nudging = build_nudging(district, room)
    await nudging.sweep.run()
    await room.as_(ANA).command("done")
    result = await nudging.dispatcher.run_once()
    assert (result.sent, dict(result.dropped)) == (0, {"stale": 1})
    assert (await rows(district))[0].dropped_reason == "stale"


async def test_muted_teachers_get_no_reminders_and_snooze_defers_them(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    _, due = milestones[0]
    district.clock.set(at(due - timedelta(days=2), 9))
    ana = await actor(district, ANA)
    snooze_end = district.clock.now() + timedelta(days=1)
    await district.person_settings.update(ana, snoozed_until=snooze_end)
    nudging = build_nudging(district, room)
    await nudging.sweep.run()
    result = await nudging.dispatcher.run_once()
    assert (result.sent, result.deferred) == (0, 1)
    (row,) = await rows(district)
    assert row.deliver_at >= snooze_end
    await district.person_settings.update(ana, snoozed_until=None, muted=True)
    district.clock.set(row.deliver_at)
    result = await nudging.dispatcher.run_once()
    assert dict(result.dropped) == {"muted": 1}


async def test_the_platform_slowing_us_down_is_not_a_failure(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    district.clock.set(at(milestones[0][1] - timedelta(days=2), 9))
    nudging = build_nudging(district, room)
    await nudging.sweep.run()
    answers: list[Exception | str] = [RateLimited(30), DeliveryFailed("503"), "msg-1"]

    async def flaky(nudge: Outgoing) -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    dispatcher = Dispatcher(district.db, district.clock, flaky)
    assert (await dispatcher.run_once()).deferred == 1
    (row,) = await rows(district)
    assert (row.attempts, row.deliver_at) == (0, district.clock.now() + timedelta(seconds=30))
    district.clock.advance(timedelta(seconds=30))
    assert (await dispatcher.run_once()).retried == 1
    (row,) = await rows(district)
    assert row.attempts == 1
    district.clock.set(row.deliver_at)
    assert (await dispatcher.run_once()).sent == 1
    (row,) = await rows(district)
    assert (row.status, row.platform_message_id) == ("sent", "msg-1")


async def test_after_the_bound_a_message_is_dead_lettered(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    district.clock.set(at(milestones[0][1] - timedelta(days=2), 9))
    await build_nudging(district, room).sweep.run()

    async def down(nudge: Outgoing) -> str:
        raise DeliveryFailed("503 Service Unavailable")

    dispatcher = Dispatcher(district.db, district.clock, down, max_attempts=3)
    for _ in range(3):
        (row,) = await rows(district)
        district.clock.set(max(row.deliver_at, district.clock.now()))
        await dispatcher.run_once()
    (row,) = await rows(district)
    assert (row.status, row.attempts, row.last_error) == ("dead", 3, "503 Service Unavailable")


async def test_a_dead_dispatchers_claims_are_taken_over_after_the_lease(
    district: Services,
) -> None:
    room, milestones = await planned_in_chat(district)
    district.clock.set(at(milestones[0][1] - timedelta(days=2), 9))
    await build_nudging(district, room).sweep.run()

    class ProcessDied(BaseException):
        """The process dying mid-send: nothing after the send runs (a real SystemExit would
        leave the event loop itself, since people are served in tasks side by side)."""

    async def crash(nudge: Outgoing) -> str:
        raise ProcessDied

    dying = Dispatcher(district.db, district.clock, crash, worker="a")
    with pytest.raises(ProcessDied):
        await dying.run_once()
    survivor = build_nudging(district, room, worker="b").dispatcher
    assert (await survivor.run_once()).sent == 0  # still leased to "a"
    district.clock.advance(timedelta(minutes=3))
    assert (await survivor.run_once()).sent == 1


async def test_the_weekly_cap_keeps_the_most_important(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    dee = await actor(district, DEE)
    await district.policy.set(dee, "nudge_cap", "1")
    (first_id, _), (second_id, _) = milestones[0], milestones[1]
    # make the second milestone due today and the first overdue: both due at once
    async with district.db.write() as session:
        for mid, when in ((first_id, date(2026, 9, 21)), (second_id, date(2026, 9, 22))):
            (await session.get(MilestoneRow, mid)).due_on = when  # type: ignore[union-attr]
    district.clock.set(at(date(2026, 9, 22), 10))
    nudging = build_nudging(district, room)
    await nudging.sweep.run()
    result = await nudging.dispatcher.run_once()
    # the cap never drops an overdue or deadline-day step: the lower kind yields, and the two
    # that go arrive as one message
    assert (result.sent, dict(result.dropped)) == (2, {"weekly_cap": 1})
    by_status = {r.kind: (r.status, r.dropped_reason) for r in await rows(district)}
    assert by_status == {
        "milestone_overdue": ("sent", None),
        "milestone_today": ("sent", None),
        "inactive": ("dropped", "weekly_cap"),
    }
    ana = room.as_(ANA).mailbox.replies
    assert "was planned for" in ana[-1].text and "Today's step" in ana[-1].text
    assert not any("Today's step" in reply.text for reply in ana[:-1])


async def test_why_did_you_message_me(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    ana = room.as_(ANA)
    assert "haven't sent you any reminders yet" in await ana.say("why did you message me?")
    district.clock.set(at(milestones[0][1] - timedelta(days=2), 9))
    nudging = build_nudging(district, room)
    await nudging.sweep.run()
    await nudging.dispatcher.run_once()
    answer = await ana.say("why did you message me?")
    assert "Read the rubric and plan the lesson" in answer
    assert "due Thursday, September 17" in answer
    assert "at most 3 reminders a week" in answer


async def test_approvers_hear_about_a_request_that_has_waited(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-APPROVE")
    await ana.press("request_approval")
    await ana.submit({"alignment": "It serves student discourse."})
    district.clock.set(at(date(2026, 9, 14), 9))  # the following Monday: four days later
    nudging = build_nudging(district, room)
    await nudging.sweep.run()
    await nudging.dispatcher.run_once()
    sam = room.as_("sam@testville.example")
    assert "has been waiting a few days" in sam.last
    # decided from the reminder itself: what Ana wrote is beside the buttons
    assert "*How it serves the school's goals:* It serves student discourse." in sam.last
    assert "Approved" in await sam.press("approve")
    # the decision made the other approver's pending reminder stale
    assert (await nudging.dispatcher.run_once()).sent == 0
