"""A home for each role on Slack, through signed requests: the Home tab shows each person what
waits for them now and only their roles' commands; a gone button offers the current ones."""

from __future__ import annotations

from coachbot.composition import Services
from tests.adapters.slack.conftest import ANA_U, DEE_U, FAY_U
from tests.adapters.slack.harness import SlackRoom
from tests.adapters.slack.test_surfaces import open_home
from tests.helpers import ANA, FAY, under_review


async def test_the_home_tab_is_a_home_for_each_role(district: Services, room: SlackRoom) -> None:
    await under_review(district, ANA, FAY)
    teacher = await open_home(room, ANA_U)
    assert "You're working on *Questioning for Discourse* (under review)" in teacher
    for staff_only in ("*queue*", "*handoff*", "*approvals*", "*cohort*"):
        assert staff_only not in teacher
    facilitator = await open_home(room, FAY_U)
    assert "1 review waiting for you: Ana Teacher's *Questioning for Discourse*" in facilitator
    assert "*handoff*" in facilitator
    admin = await open_home(room, DEE_U)
    assert "No requests are waiting for your approval" in admin and "*policy*" in admin
    assert "haven't chosen a credential" not in admin and "*choose*" not in admin


async def test_a_gone_button_offers_the_current_ones(district: Services, room: SlackRoom) -> None:
    await under_review(district, ANA, FAY)
    await room.command(ANA_U, "status")
    gone = {"type": "button", "action_id": "a_button_from_an_old_release", "value": "7",
            "text": {"type": "plain_text", "text": "Old"}}  # fmt: skip
    await room.press_element(ANA_U, gone)
    said = room.everything(ANA_U)
    assert "That button is gone" in said
    assert said.count("Here's where you stand") == 2  # the current status, with its buttons
    assert "didn't catch" not in said
