"""A review's due date reads the same, in the reviewer's own zone, wherever it is shown: a
trial facilitator's home said "due Monday, December 14 at 6:29 PM CST" while *queue* and the
notification said "due Tuesday, December 15" (the UTC date of the same instant)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from tests.helpers import ANA, FAY, under_review

# Monday, December 7, 6:29 PM in Chicago: already Tuesday in UTC.
EVENING = datetime(2026, 12, 8, 0, 29, tzinfo=UTC)
DUE = "due Thursday, December 17 at 6:29 PM CST"  # ten days on, the district's review deadline
UTC_DAY = "Friday, December 18"


async def test_home_queue_and_notification_agree_in_the_reviewers_zone(
    district: Services,
) -> None:
    district.clock.set(EVENING)  # type: ignore[attr-defined]
    room = LocalDriver(district)
    nudging = build_nudging(district, room)
    await under_review(district, ANA, FAY)
    fay = room.as_(FAY)
    home = await fay.command("hello")
    queue = await fay.command("queue")
    district.clock.advance(timedelta(hours=16))  # type: ignore[attr-defined]  # her morning
    await nudging.dispatcher.run_once()
    told = "\n".join(fay.mailbox.texts())
    for said in (home, queue, told):
        assert DUE in said, said
        assert UTC_DAY not in said
