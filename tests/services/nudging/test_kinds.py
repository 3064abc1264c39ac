"""Every kind of nudge, found by the sweep from the journey's tables and delivered in words."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.storage.models import NudgeRow, Review
from tests.helpers import ANA, BEN, DEE, FAY, GIL, under_review

CHICAGO = ZoneInfo("America/Chicago")


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=CHICAGO).astimezone(UTC)


async def kinds_sent(services: Services, room: LocalDriver) -> dict[str, list[str]]:
    nudging = build_nudging(services, room)
    await nudging.sweep.run()
    await nudging.dispatcher.run_once(limit=500)
    async with services.db.read() as session:
        rows = await session.execute(select(NudgeRow.kind, NudgeRow.status))
    sent: dict[str, list[str]] = {}
    for kind, status in rows.all():
        sent.setdefault(status, []).append(kind)
    return sent


async def _cohort(room: LocalDriver, *teachers: str, facilitator: str = GIL) -> None:
    dee = room.as_(DEE)
    await dee.command("cohort", "new")
    await dee.submit({"name": "Fall", "starts": "2026-09-01", "ends": "2027-01-29"})
    await dee.command("cohort", f"add Fall: {', '.join(teachers)}")
    await dee.command("cohort", f"facilitator Fall: {facilitator}")


async def test_enrolled_without_a_plan(district: Services) -> None:
    room = LocalDriver(district)
    await _cohort(room, BEN)
    district.clock.set(morning(date(2026, 9, 16)))  # eight days after joining
    assert (await kinds_sent(district, room)).get("sent") == ["no_plan"]
    assert "pick a credential" in room.as_(BEN).last


async def test_the_window_closing_a_week_and_a_day_before(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    await ana.command("done")  # keep the pursuit active so only the window speaks
    district.clock.set(morning(date(2027, 5, 21)))  # the window closes May 28
    sent = await kinds_sent(district, room)
    assert "window_closing" in sent.get("sent", [])
    assert "Friday, May 28" in "\n".join(room.as_(ANA).mailbox.texts())


async def test_reviews_due_soon_late_and_escalated(district: Services) -> None:
    room = LocalDriver(district)
    _, review_id = await under_review(district, ANA, FAY)
    async with district.db.read() as session:
        due = (await session.get(Review, review_id)).due_at  # type: ignore[union-attr]
    fay, dee = room.as_(FAY), room.as_(DEE)
    district.clock.set(due - timedelta(days=1))
    assert (await kinds_sent(district, room)).get("sent") == ["review_due_soon"]
    assert "due for review soon" in fay.last
    district.clock.set(due + timedelta(days=3))  # the Monday after a Friday due date
    sent = await kinds_sent(district, room)
    assert {"review_late", "review_escalation"} <= set(sent.get("sent", []))
    assert "past its due date" in fay.last
    assert "Please reassign it" in dee.last


async def test_facilitators_get_a_weekly_digest_of_their_cohort(district: Services) -> None:
    room = LocalDriver(district)
    await _cohort(room, ANA, BEN)
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    district.clock.set(morning(date(2026, 9, 14)))  # a Monday
    assert "weekly_digest" in (await kinds_sent(district, room)).get("sent", [])
    digest = room.as_(GIL).last
    assert "*Fall* this week: 1 on track, 1 quiet for a while" in digest
    assert "Gone quiet since last week: Ben Teacher." in digest
    assert "A short note could help:\n- Ben Teacher" in digest


async def test_a_teacher_still_quiet_is_named_again_after_a_fortnight(
    district: Services,
) -> None:
    """No second copy of an unchanged digest the next Monday, but a teacher still quiet two
    weeks later is not forgotten: the facilitator hears about them again."""
    room = LocalDriver(district)
    await _cohort(room, ANA, BEN)
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    gil = room.as_(GIL)

    async def digests_on(monday: date) -> int:
        district.clock.set(morning(monday) - timedelta(hours=1))
        await ana.command("done")  # Ana keeps going: only Ben is quiet
        district.clock.set(morning(monday))
        return (await kinds_sent(district, room)).get("sent", []).count("weekly_digest")

    assert await digests_on(date(2026, 9, 14)) == 1
    first = gil.last
    assert await digests_on(date(2026, 9, 21)) == 1  # a week on, nothing changed: no repeat
    assert await digests_on(date(2026, 9, 28)) == 2  # a fortnight on, Ben still quiet
    again = gil.last
    assert again != first
    assert "Still quiet since my last note: Ben Teacher." in again
    assert "A short note could help:\n- Ben Teacher" in again
