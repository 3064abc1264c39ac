"""Fixtures: the fake Slack Web API and a room of Slack people talking to the real bolt app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from coachbot.composition import Services
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SlackRoom

ANA_U, FAY_U, DEE_U, CARA_U = "U0ANA0001", "U0FAY0001", "U0DEE0001", "U0CARA001"
GIL_U = "U0GIL0001"  # not on the roster by Slack id: matched by email where the link allows


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack(emails={
        ANA_U: "ana@testville.example", FAY_U: "fay@testville.example",
        DEE_U: "dee@testville.example", CARA_U: "cara@testville.example",
        GIL_U: "gil@testville.example",
    })
    await slack.start()
    yield slack
    await slack.stop()


@pytest.fixture
async def room(district: Services, fake: FakeSlack) -> AsyncIterator[SlackRoom]:
    started = await SlackRoom(district, fake).start()
    yield started
    await started.stop()
