"""District admins see, in chat, the messages the platform would not take, and send them again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coachbot.composition import Services, build_nudging
from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.outgoing import DeliveryFailed, Outgoing
from coachbot.storage.models import NudgeRow
from tests.helpers import ANA, DEE, SAM
from tests.services.nudging.test_sweep_and_dispatch import at, planned_in_chat


async def _one_dead_letter(services: Services) -> None:
    """Deliver the one queued reminder to a platform that never takes it, until it is dead."""

    async def platform_down(nudge: Outgoing) -> str:
        raise DeliveryFailed("channel_not_found")

    dispatcher = Dispatcher(services.db, services.clock, platform_down, max_attempts=2)
    for _ in range(2):
        async with services.db.read() as session:
            row = await session.scalar(select(NudgeRow))
        assert row is not None
        services.clock.set(max(row.deliver_at, services.clock.now()))
        await dispatcher.run_once()


async def test_an_admin_sees_a_dead_letter_and_sends_it_again(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    district.clock.set(at(milestones[0][1] - timedelta(days=2), 9))
    nudging = build_nudging(district, room)
    await nudging.sweep.run()
    await _one_dead_letter(district)
    ana, dee = room.as_(ANA), room.as_(DEE)
    assert not any("heads-up" in text for text in ana.mailbox.texts())

    listing = await dee.command("undelivered")
    assert "1 message could not be delivered" in listing
    assert "Ana Teacher: a milestone reminder" in listing
    assert 'the platform said "channel_not_found"' in listing

    assert "Sending 1 message again" in await dee.press("retry_dead", labelled="all")
    assert (await nudging.dispatcher.run_once()).sent == 1
    assert "A friendly heads-up" in ana.last
    assert "Every message has been delivered" in await dee.command("undelivered")
    # A second press (a stale button, or a colleague at the same time) finds nothing to do.
    assert "nothing left to send again" in await dee.press("retry_dead", labelled="all")


async def test_only_district_admins_see_or_retry_dead_letters(district: Services) -> None:
    room, milestones = await planned_in_chat(district)
    district.clock.set(at(milestones[0][1] - timedelta(days=2), 9))
    await build_nudging(district, room).sweep.run()
    await _one_dead_letter(district)
    ana, sam = room.as_(ANA), room.as_(SAM)
    assert "Ana Teacher" not in await ana.command("undelivered")
    assert "for district admins" in await sam.press_value("retry_dead", "all")
    async with district.db.read() as session:
        assert await session.scalar(select(NudgeRow.status)) == "dead"
