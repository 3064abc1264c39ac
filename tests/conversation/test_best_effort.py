"""Where a failed delivery is swallowed: a turn's news to others. Adapters raise the neutral
errors; the dispatcher retries them, a turn goes on."""

from __future__ import annotations

import logging

import pytest

from coachbot.conversation.best_effort import BestEffortNotifier
from coachbot.conversation.vocabulary import Reply, Text
from coachbot.platform.contract import DeliveryFailed, RateLimited

NEWS = Reply((Text("Ana earned *Questioning for Discourse*"),), summary="Ana earned it")


class Unreachable:
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def to_person(self, person_id: int, reply: Reply) -> str | None:
        raise self.error

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        raise self.error


@pytest.mark.parametrize("error", [DeliveryFailed("channel_not_found", permanent=True),
                                   RateLimited(30.0)])
async def test_a_turn_goes_on_when_its_news_cannot_be_sent(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    notifier = BestEffortNotifier(Unreachable(error))
    with caplog.at_level(logging.WARNING):
        assert await notifier.to_person(7, NEWS) is None
        await notifier.to_channel(1, "#celebrations", NEWS)
    assert "could not reach person 7" in caplog.text
    assert "could not post to #celebrations for district 1" in caplog.text


async def test_anything_else_is_a_bug_and_is_not_hidden() -> None:
    with pytest.raises(KeyError):
        await BestEffortNotifier(Unreachable(KeyError("oops"))).to_person(7, NEWS)
