"""Inbound requests are verified before anything else: whatever is wrong with the signature, the
answer is 401 (never 500) and the bot does nothing at all; a retried event has one effect."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.adapters.slack.conftest import ANA_U
from tests.adapters.slack.harness import SlackRoom, signed

BODY = b"token=legacy&team_id=T0TESTVILLE&user_id=U0ANA0001&command=%2Fcoach&text=status"
FORM = "application/x-www-form-urlencoded"


def now() -> int:
    return int(time.time())


def good() -> dict[str, str]:
    return signed(BODY)


def sig() -> str:
    return good()["X-Slack-Signature"]


# Built when each test runs, so "301 s" means 301 s then, not when the module was imported.
BAD_HEADERS: dict[str, Callable[[], dict[str, str]]] = {
    "missing both": dict,
    "missing signature": lambda: {"X-Slack-Request-Timestamp": str(now())},
    "missing timestamp": lambda: {"X-Slack-Signature": sig()},
    "wrong secret": lambda: signed(BODY, secret="someone-elses-secret"),
    "stale (301 s old)": lambda: signed(BODY, at=now() - 301),
    "from the future (301 s ahead)": lambda: signed(BODY, at=now() + 301),
    "non-numeric timestamp": lambda: {**good(), "X-Slack-Request-Timestamp": "12e9"},
    "absurdly long timestamp": lambda: {**good(), "X-Slack-Request-Timestamp": "9" * 400},
    "negative timestamp": lambda: {**good(), "X-Slack-Request-Timestamp": "-1"},
    "non-ASCII signature": lambda: {**good(), "X-Slack-Signature": "v0=" + "é" * 64},
    "wrong version": lambda: {**good(), "X-Slack-Signature": "v1" + sig()[2:]},
    "truncated signature": lambda: {**good(), "X-Slack-Signature": sig()[:-1]},
    "upper-case hex": lambda: {**good(), "X-Slack-Signature": sig().upper()},
}


@pytest.mark.parametrize("case", list(BAD_HEADERS), ids=list(BAD_HEADERS))
async def test_bad_signatures_are_refused_with_401_and_nothing_happens(
    room: SlackRoom, case: str
) -> None:
    headers = {k: v.encode("utf-8").decode("latin-1") for k, v in BAD_HEADERS[case]().items()}
    status, _ = await room.post(BODY, FORM, headers)
    assert status == 401
    assert room.fake.calls == []


async def test_a_tampered_body_is_refused(room: SlackRoom) -> None:
    status, _ = await room.post(BODY.replace(b"status", b"withdraw"), FORM, good())
    assert (status, room.fake.calls) == (401, [])


async def test_a_replayed_request_is_refused_once_it_is_old(room: SlackRoom) -> None:
    # A request Slack really signed six minutes ago, sent again by someone who captured it.
    captured = signed(BODY, at=now() - 360)
    status, _ = await room.post(BODY, FORM, captured)
    assert (status, room.fake.calls) == (401, [])


async def test_a_well_signed_request_is_answered(room: SlackRoom) -> None:
    status, _ = await room.post(BODY, FORM, signed(BODY))
    assert status == 200
    assert "Ana" in room.everything(ANA_U) or room.texts(ANA_U)


async def test_a_retried_event_has_one_effect(room: SlackRoom) -> None:
    first = await room.dm(ANA_U, "status", event_id="Ev0SAME0001")
    again = await room.dm(ANA_U, "status", event_id="Ev0SAME0001",
                          headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"})
    assert (first, again) == (200, 200)
    assert len(room.texts(ANA_U)) == 1


async def test_the_bots_own_messages_and_other_bots_are_ignored(room: SlackRoom) -> None:
    body = room.event_body("U0COACHBOT", {"type": "message", "channel_type": "im",
                                          "channel": "DU0ANA0001", "text": "status",
                                          "bot_id": "B0COACHBOT", "ts": "1.0"})
    status, _ = await room.post(body, "application/json")
    other = room.event_body(ANA_U, {"type": "message", "channel_type": "im", "text": "status",
                                    "channel": "DU0ANA0001", "subtype": "bot_message",
                                    "bot_id": "B0OTHER", "ts": "2.0"})
    status_other, _ = await room.post(other, "application/json")
    assert (status, status_other) == (200, 200)
    assert room.fake.called("chat.postMessage") == []
