"""Approvals in Slack through the real bolt app: the notice and the list carry the teacher's
reasons and plan with Block Kit buttons, send back asks for the note in a modal, App Home shows
the same and refreshes after a press, a stale button is answered kindly, and a notice Slack
would not take is delivered later from the outbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from coachbot.clock import VirtualClock
from coachbot.composition import Services
from coachbot.storage.models import NudgeRow
from tests.adapters.slack.conftest import ANA_U, DEE_U
from tests.adapters.slack.fake_slack import TEAM
from tests.adapters.slack.harness import SlackRoom, assert_valid_block_kit, message_text
from tests.helpers import DEE, SAM, actor

REASONS = "Our school goal is student discourse; a project gets every student talking."
PLAN = "Six weeks in spring with grade 7, ending in a presentation to parents."
NOTE = "Please say how you will share the product beyond your classroom."


async def ask(room: SlackRoom) -> None:
    await room.command(ANA_U, "choose C-APPROVE")
    await room.press(ANA_U, "request_approval")
    await room.submit(ANA_U, {"alignment": REASONS, "plan": PLAN})


def buttons_of(message: dict[str, Any]) -> list[str]:
    return [
        e["text"]["text"]
        for b in message.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]


async def test_an_approver_sends_back_from_the_notice_and_approves_from_the_list(
    room: SlackRoom,
) -> None:
    await ask(room)
    notice = room.fake.posts_to("D" + DEE_U)[-1].args
    assert REASONS in message_text(notice) and PLAN in message_text(notice)
    assert buttons_of(notice) == ["Approve Ana Teacher", "Send back to Ana Teacher"]
    await room.press(DEE_U, "send_back")
    modal = room.last_modal(DEE_U)
    assert modal["blocks"][0]["block_id"] == "reason"
    assert "Ana Teacher reads it" in modal["blocks"][0]["hint"]["text"]
    await room.submit(DEE_U, {"reason": NOTE})
    assert "Sent back to Ana Teacher" in room.last(DEE_U)
    assert NOTE in room.last(ANA_U)
    assert "Ask again" in room.last(ANA_U)

    await room.press(ANA_U, "request_approval")  # the modal starts from what she wrote
    initial = {b["block_id"]: b["element"].get("initial_value") for b in
               room.last_modal(ANA_U)["blocks"]}
    assert initial == {"alignment": REASONS, "plan": PLAN}
    await room.submit(ANA_U, {"plan": PLAN + " The class shares it at the town library."})

    await room.command(DEE_U, "approvals")
    listed = room.fake.posts_to("D" + DEE_U)[-1].args
    text = message_text(listed)
    assert "town library" in text
    assert "Asked again after Dee Admin sent it back" in text
    assert buttons_of(listed) == ["Approve Ana Teacher", "Send back to Ana Teacher"]
    await room.press(DEE_U, "approve", labelled="Ana")
    assert "Approved: Ana Teacher" in room.last(DEE_U)
    assert "Dee Admin approved *Project-Based Unit*" in room.last(ANA_U)
    assert assert_valid_block_kit(room.fake) >= 10


async def test_a_stale_button_says_who_decided(district: Services, room: SlackRoom) -> None:
    await ask(room)
    pursuit_id = (await district.read.approvals(await actor(district, SAM)))[0].pursuit_id
    await district.approvals.approve(await actor(district, SAM), pursuit_id)  # Sam, elsewhere
    await room.press(DEE_U, "approve", labelled="Ana")
    assert "Already approved by Sam Principal" in room.last(DEE_U)
    modals = len(room.fake.called("views.open"))
    await room.press(DEE_U, "send_back", labelled="Ana")
    assert "Already approved by Sam Principal" in room.last(DEE_U)
    assert len(room.fake.called("views.open")) == modals  # no note to write for nothing
    kinds = [k for (k,) in (await _outbox(district))]
    assert kinds.count("approval_decided") == 1  # Ana hears once


async def _outbox(services: Services) -> list[tuple[str]]:
    async with services.db.read() as session:
        return [tuple(r) for r in (await session.execute(select(NudgeRow.kind))).all()]


async def test_a_notice_slack_would_not_take_goes_out_later(
    district: Services, room: SlackRoom, clock: VirtualClock
) -> None:
    room.fake.answer_next("chat.postMessage", status=503, channel="D" + DEE_U)
    await ask(room)
    assert "on its way to 2 approvers" in room.last(ANA_U)  # the request itself is in
    assert await _dees_notice(district) == ("pending", 1, "http_503")  # kept, to try again
    clock.advance(timedelta(minutes=5))
    assert (await room.slack.nudging().dispatcher.run_once()).sent == 1
    assert (await _dees_notice(district))[0] == "sent"
    assert REASONS in room.last(DEE_U)
    await room.press(DEE_U, "approve", labelled="Ana")  # its buttons work like any other
    assert "Approved: Ana Teacher" in room.last(DEE_U)


async def _dees_notice(services: Services) -> tuple[str, int, str | None]:
    async with services.db.read() as session:
        row = await session.scalar(
            select(NudgeRow).where(
                NudgeRow.kind == "approval_requested",
                NudgeRow.person_id == (await actor(services, DEE)).person_id,
            )
        )
    assert row is not None
    return row.status, row.attempts, row.last_error


async def test_app_home_shows_the_requests_and_refreshes_after_a_press(room: SlackRoom) -> None:
    await ask(room)
    home = await open_home(room)
    text = message_text(home)
    assert REASONS in text and PLAN in text
    approve = next(
        e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["text"]["text"] == "Approve Ana Teacher"
    )
    published = len(room.fake.called("views.publish"))
    await room.interaction({
        "type": "block_actions", "team": {"id": TEAM}, "api_app_id": "A0COACH",
        "user": {"id": DEE_U, "team_id": TEAM}, "token": "legacy",
        "trigger_id": room.trigger(DEE_U), "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home"},
        "actions": [{"type": "button", "action_id": approve["action_id"],
                     "value": approve["value"], "block_id": "b", "action_ts": "1.0"}],
    })
    assert "Approved: Ana Teacher" in room.last(DEE_U)
    assert "approved *Project-Based Unit*" in room.last(ANA_U)
    assert len(room.fake.called("views.publish")) == published + 1
    refreshed = room.fake.called("views.publish")[-1].args["view"]
    assert "No requests are waiting for you." in message_text(refreshed)
    assert assert_valid_block_kit(room.fake) >= 4


async def open_home(room: SlackRoom) -> dict[str, Any]:
    body = room.event_body(DEE_U, {"type": "app_home_opened", "tab": "home",
                                   "channel": "D" + DEE_U, "event_ts": "1.0"})
    status, _ = await room.post(body, "application/json")
    assert status == 200
    view: dict[str, Any] = room.fake.called("views.publish")[-1].args["view"]
    return view
