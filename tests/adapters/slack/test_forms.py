"""More of the core's forms as Slack modals, filled in as people would: the cohort creation
form and the plan editor, with date pickers."""

from __future__ import annotations

from coachbot.composition import Services
from tests.adapters.slack.conftest import ANA_U, DEE_U
from tests.adapters.slack.harness import SlackRoom, assert_valid_block_kit


async def test_an_admin_creates_a_cohort_with_date_pickers(room: SlackRoom) -> None:
    await room.command(DEE_U, "cohort new")
    form = room.last_modal(DEE_U)
    kinds = {b["block_id"]: b["element"]["type"] for b in form["blocks"]}
    assert kinds == {"name": "plain_text_input", "starts": "datepicker", "ends": "datepicker",
                     "window_opens": "datepicker", "window_closes": "datepicker"}
    assert all("hint" not in b for b in form["blocks"] if b["element"]["type"] == "datepicker")
    await room.submit(DEE_U, {"name": "Fall Discourse", "starts": "2026-09-14",
                              "ends": "2026-12-18"})
    assert "Fall Discourse" in room.last(DEE_U)
    await room.command(DEE_U, "cohort")
    assert "Fall Discourse" in room.last(DEE_U)
    assert assert_valid_block_kit(room.fake) >= 3


async def test_a_teacher_edits_her_plan_in_a_modal(district: Services, room: SlackRoom) -> None:
    await room.command(ANA_U, "choose C-TWO")
    await room.press(ANA_U, "use_plan")
    await room.command(ANA_U, "plan")
    await room.press(ANA_U, "edit_plan")
    form = room.last_modal(ANA_U)
    by_id = {b["block_id"]: b for b in form["blocks"]}
    assert by_id["deadline"]["element"]["type"] == "datepicker"
    assert by_id["milestones"]["element"]["multiline"] is True
    await room.submit(ANA_U, {"deadline": "2026-11-20",
                              "milestones": "2026-10-01: Try exit tickets\n"
                                            "2026-11-13: Write the reflection"})
    await room.command(ANA_U, "plan")
    plan = room.last(ANA_U)
    assert "Try exit tickets" in plan
    assert "November 20" in plan


async def test_pre_approval_sent_back_with_a_reason_then_approved(room: SlackRoom) -> None:
    await room.command(ANA_U, "choose C-APPROVE")
    await room.press(ANA_U, "request_approval")
    await room.submit(ANA_U, {"alignment": "Our school goal is student discourse.",
                              "plan": "Six weeks, one project."})
    assert "Our school goal is student discourse." in room.everything(DEE_U)
    await room.press(DEE_U, "send_back")
    assert room.last_modal(DEE_U)["blocks"][0]["block_id"] == "reason"
    await room.submit(DEE_U, {"reason": "Please say which grade will do the project."})
    assert "Please say which grade will do the project." in room.last(ANA_U)
    for word in ("denied", "rejected", "failed"):
        assert word not in room.everything(ANA_U).lower()
    await room.press(ANA_U, "request_approval")
    await room.submit(ANA_U, {"alignment": "Grade 7 will do it, for student discourse."})
    await room.press(DEE_U, "approve")
    assert "approved" in room.everything(ANA_U).lower()
    assert assert_valid_block_kit(room.fake) >= 8
