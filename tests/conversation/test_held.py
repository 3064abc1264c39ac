"""Staff get the same quiet hours as teachers: what a teacher's turn tells a reviewer, an
approver or an admin at 1 a.m. waits in the outbox for their morning, word for word."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from tests.helpers import ANA, DEE, planned

CHICAGO = ZoneInfo("America/Chicago")


async def test_staff_are_not_pinged_at_night_and_are_in_the_morning(district: Services) -> None:
    await planned(district, ANA)
    room = LocalDriver(district)
    district.clock.set(datetime(2026, 9, 9, 1, 0, tzinfo=CHICAGO).astimezone(UTC))
    sent = await room.as_(ANA).command("helpme", "I can't find time to record the lesson")
    assert sent  # Ana is answered at once: it is her own conversation
    dee = room.as_(DEE)  # no cohort facilitator: the district admin hears
    assert dee.mailbox.replies == []
    (line,) = await district.outbox.lines(email=DEE)
    assert (line.kind, line.status) == ("held_message", "pending")
    assert line.deliver_at.astimezone(CHICAGO).isoformat() == "2026-09-09T07:30:00-05:00"

    nudging = build_nudging(district, room)
    assert (await nudging.dispatcher.run_once()).sent == 0  # still night
    district.clock.set(datetime(2026, 9, 9, 7, 30, tzinfo=CHICAGO).astimezone(UTC))
    assert (await nudging.dispatcher.run_once()).sent == 1
    assert "asked for help with *Questioning for Discourse*" in dee.last
    assert "I can't find time to record the lesson" in dee.last
    assert (await nudging.dispatcher.run_once()).sent == 0  # once only


async def test_by_day_staff_hear_at_once(district: Services) -> None:
    await planned(district, ANA)
    room = LocalDriver(district)
    district.clock.set(datetime(2026, 9, 9, 10, 0, tzinfo=CHICAGO).astimezone(UTC))
    await room.as_(ANA).command("helpme", "stuck")
    assert "asked for help" in room.as_(DEE).last
    assert await district.outbox.lines(email=DEE) == []
