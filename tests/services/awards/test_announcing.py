"""The earner hears before the channel does: the district channel's announcement is released
only after the earner's own message was delivered (or read in chat), by night and by day."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.conversation.vocabulary import Reply
from coachbot.services.reviews.reviewing import Decision
from tests.helpers import ANA, FAY, PASSING, actor, under_review

CHICAGO = ZoneInfo("America/Chicago")


class Ledger(LocalDriver):
    """The local room, remembering everything it was given in one order."""

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.order: list[str] = []

    async def to_person(self, person_id: int, reply: Reply) -> str:
        self.order.append(f"person:{await self._email(person_id)}")
        return await super().to_person(person_id, reply)

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        self.order.append(f"channel:{channel}")
        await super().to_channel(district_id, channel, reply)


async def award_at(district: Services, local: datetime) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    district.clock.set(local.astimezone(UTC))
    await district.reviews.record(await actor(district, FAY), review_id, Decision.EARNED, PASSING)


async def test_by_day_the_earner_hears_first_then_the_channel(district: Services) -> None:
    await award_at(district, datetime(2026, 9, 9, 10, 0, tzinfo=CHICAGO))
    room = Ledger(district)
    assert (await build_nudging(district, room).dispatcher.run_once()).sent == 2
    assert room.order == [f"person:{ANA}", "channel:#celebrations"]
    (post,) = room.channels["#celebrations"]
    assert "Please join us in congratulating *Ana Teacher*" in post.text


async def test_at_night_the_channel_waits_for_the_earner_morning(district: Services) -> None:
    await award_at(district, datetime(2026, 9, 9, 1, 0, tzinfo=CHICAGO))
    room = Ledger(district)
    nudging = build_nudging(district, room)
    assert (await nudging.dispatcher.run_once()).deferred == 2
    assert room.order == []  # nobody, the channel included, hears at 1 a.m.
    district.clock.set(datetime(2026, 9, 9, 7, 30, tzinfo=CHICAGO).astimezone(UTC))
    assert (await nudging.dispatcher.run_once()).sent == 2
    assert room.order == [f"person:{ANA}", "channel:#celebrations"]


async def test_an_earner_who_read_it_in_chat_is_not_pinged_and_the_channel_follows(
    district: Services,
) -> None:
    await award_at(district, datetime(2026, 9, 9, 1, 0, tzinfo=CHICAGO))
    room = Ledger(district)
    read = await room.as_(ANA).command("feedback")
    assert "Earned! Reviewed by Fay Facilitator" in read
    nudging = build_nudging(district, room)
    assert (await nudging.dispatcher.run_once()).deferred == 1  # the channel: still night
    district.clock.set(datetime(2026, 9, 9, 7, 30, tzinfo=CHICAGO).astimezone(UTC))
    assert (await nudging.dispatcher.run_once()).sent == 1
    assert room.order == ["channel:#celebrations"]  # Ana read it already: no ping


async def test_the_channel_never_goes_first_when_the_earners_message_cannot(
    district: Services,
) -> None:
    await award_at(district, datetime(2026, 9, 9, 10, 0, tzinfo=CHICAGO))

    class Down(Ledger):
        async def to_person(self, person_id: int, reply: Reply) -> str:
            raise ConnectionError("platform unreachable")

    room = Down(district)
    nudging = build_nudging(district, room)
    with contextlib.suppress(ConnectionError):  # the platform is down for Ana
        await nudging.dispatcher.run_once()
    assert room.channels["#celebrations"] == []
