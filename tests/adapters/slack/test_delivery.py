"""Nudges delivered through Slack by the real dispatcher: one DM each, Slack's message ts kept
as the message id, Slack's pace respected, and every failure Slack can give handled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coachbot.clock import VirtualClock
from coachbot.composition import Services
from coachbot.storage.models import NudgeRow
from tests.adapters.slack.conftest import ANA_U
from tests.adapters.slack.harness import SlackRoom, assert_valid_block_kit
from tests.helpers import NEWS_MORNING, queue_news


async def rows(services: Services) -> list[NudgeRow]:
    async with services.db.read() as session:
        return list(await session.scalars(select(NudgeRow).order_by(NudgeRow.key)))


async def test_nudges_arrive_as_dms_one_a_second_per_person(
    district: Services, room: SlackRoom, clock: VirtualClock
) -> None:
    clock.set(NEWS_MORNING)
    await queue_news(district, 3)
    dispatcher = room.slack.nudging().dispatcher
    first = await dispatcher.run_once()
    assert (first.sent, first.deferred) == (1, 2)  # Slack: about one message a second a channel
    clock.advance(timedelta(seconds=1.1))
    assert (await dispatcher.run_once()).sent == 1
    clock.advance(timedelta(seconds=1.1))
    assert (await dispatcher.run_once()).sent == 1
    posted = room.fake.posts_to("D" + ANA_U)
    assert len(posted) == 3
    stored = await rows(district)
    assert {r.status for r in stored} == {"sent"}
    assert len({r.platform_message_id for r in stored}) == 3  # Slack's ts of each message
    assert all((r.platform_message_id or "").startswith("1790000000.") for r in stored)
    assert len(room.fake.called("conversations.open")) == 1  # the DM channel id is cached
    assert assert_valid_block_kit(room.fake) == 3


async def test_a_429_reschedules_after_retry_after_without_counting_a_failure(
    district: Services, room: SlackRoom, clock: VirtualClock
) -> None:
    clock.set(NEWS_MORNING)
    await queue_news(district, 1)
    room.fake.answer_next("chat.postMessage", status=429, retry_after=30)
    dispatcher = room.slack.nudging().dispatcher
    assert (await dispatcher.run_once()).deferred == 1
    [row] = await rows(district)
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.deliver_at == NEWS_MORNING + timedelta(seconds=30)
    clock.advance(timedelta(seconds=31))
    assert (await dispatcher.run_once()).sent == 1


async def test_slack_errors_retry_or_dead_letter_as_they_deserve(
    district: Services, room: SlackRoom, clock: VirtualClock
) -> None:
    clock.set(NEWS_MORNING)
    await queue_news(district, 1, prefix="a-")
    room.fake.answer_next("chat.postMessage", status=503)
    dispatcher = room.slack.nudging().dispatcher
    assert (await dispatcher.run_once()).retried == 1  # a Slack outage: try again later
    [row] = await rows(district)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "http_503"

    clock.advance(timedelta(hours=2))
    room.fake.answer_next("chat.postMessage", error="account_inactive")
    assert (await dispatcher.run_once()).dead == 1  # no retry can fix a deactivated account
    [row] = await rows(district)
    assert (row.status, row.last_error) == ("dead", "account_inactive")


async def test_someone_without_a_slack_id_is_dead_lettered_not_retried(
    district: Services, room: SlackRoom, clock: VirtualClock
) -> None:
    from sqlalchemy import delete, select

    from coachbot.storage.models import Person, PlatformAccount
    from tests.helpers import ANA

    async with district.db.write() as session:
        await session.execute(delete(PlatformAccount).where(
            PlatformAccount.person_id.in_(select(Person.id).where(Person.email == ANA))))
    clock.set(NEWS_MORNING)
    await queue_news(district, 1)
    assert (await room.slack.nudging().dispatcher.run_once()).dead == 1
    assert room.fake.called("chat.postMessage") == []
