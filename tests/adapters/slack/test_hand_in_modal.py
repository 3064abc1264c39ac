"""The hand-in modal (a file input, a link, a reflection) and inline errors in a modal's ack,
through the real bolt app and the fake Slack: nothing is stored when the ack carries errors."""

from __future__ import annotations

import json

from coachbot.composition import Services
from tests.adapters.slack.conftest import ANA_U, DEE_U, FAY_U, GIL_U
from tests.adapters.slack.fake_slack import TOKEN
from tests.adapters.slack.harness import SlackRoom, assert_valid_block_kit

PDF = b"%PDF-1.4 lesson plan with question stems"
REFLECTION = (
    "My students asked each other why, again and again. The question stems on the board gave "
    "the quiet ones a way in, and two groups argued about evidence for the first time."
)


def inline_errors(room: SlackRoom) -> dict[str, str]:
    """The errors the last ack carried (Slack shows them beside their fields)."""
    answer = json.loads(room.acks[-1] or "{}")
    assert answer.get("response_action") == "errors", answer
    return dict(answer["errors"])


async def test_a_teacher_hands_in_a_file_a_link_and_a_reflection_in_one_modal(
    room: SlackRoom,
) -> None:
    fake = room.fake
    await room.command(ANA_U, "choose C-ONE")
    await room.press(ANA_U, "use_plan")
    await room.command(ANA_U, "draft")
    assert "[Hand in with a form]" in room.last(ANA_U)
    await room.press(ANA_U, "hand_in_form")
    modal = room.last_modal(ANA_U)
    kinds = {b["block_id"]: b["element"]["type"] for b in modal["blocks"]}
    assert kinds == {"part0": "file_input", "part1": "url_text_input",
                     "part2": "plain_text_input", "send_as": "radio_buttons"}
    labels = [b["label"]["text"] for b in modal["blocks"]]
    assert labels[:3] == ["Lesson plan", "Classroom video", "Reflection"]
    assert "20 to 400 words" in modal["blocks"][2]["hint"]["text"]

    # A link that is not one: the ack itself says so beside the field; nothing is stored.
    sent_before = len(fake.called("chat.postMessage"))
    await room.submit(ANA_U, {"part1": "my video on the drive", "part2": REFLECTION,
                              "send_as": "formal"})
    assert set(inline_errors(room)) == {"part1"}
    assert "web link" in inline_errors(room)["part1"]
    assert len(fake.called("chat.postMessage")) == sent_before
    await room.command(ANA_U, "draft")
    assert "Nothing new yet" in room.last(ANA_U)

    # Every part, formally: the upload is fetched with the bot token, checked by its content.
    upload = fake.uploaded("F0FORM01", "plan.pdf", PDF, "application/pdf")
    await room.submit(ANA_U, {"part1": "https://video.example.org/lesson-1",
                              "part2": REFLECTION, "send_as": "formal"},
                      files={"part0": [upload]})
    assert room.acks[-1] == ""  # a plain ack closes the modal
    assert ("F0FORM01", f"Bearer {TOKEN}") in fake.downloads
    assert "You've submitted *Questioning for Discourse*" in room.last(ANA_U)

    reviewer = next(u for u in (FAY_U, GIL_U) if room.texts(u))
    await room.press(reviewer, "open_review")
    evidence = room.everything(reviewer)
    assert "plan.pdf" in evidence
    assert "https://video.example.org/lesson-1" in evidence
    assert "two groups argued about evidence" in evidence
    assert set(room.responses) == {200}
    assert assert_valid_block_kit(fake) >= 8


async def test_a_formal_hand_in_missing_a_part_is_almost_there_and_keeps_what_was_typed(
    room: SlackRoom,
) -> None:
    await room.command(ANA_U, "choose C-ONE")
    await room.press(ANA_U, "use_plan")
    await room.command(ANA_U, "draft")
    await room.press(ANA_U, "hand_in_form")
    await room.submit(ANA_U, {"part1": "https://video.example.org/lesson-1",
                              "part2": REFLECTION, "send_as": "formal"})
    assert room.acks[-1] == ""
    held = room.last(ANA_U)
    assert "Almost there!" in held
    assert "*Lesson plan* is still needed" in held
    await room.command(ANA_U, "draft")
    assert "https://video.example.org/lesson-1" in room.last(ANA_U)
    # The form opens again with what she gave, and only the file to add.
    await room.press(ANA_U, "hand_in_form")
    blocks = {b["block_id"]: b for b in room.last_modal(ANA_U)["blocks"]}
    assert blocks["part2"]["element"]["initial_value"] == REFLECTION
    assert blocks["part1"]["element"]["initial_value"] == "https://video.example.org/lesson-1"


async def test_a_bad_date_or_a_missing_field_is_answered_in_the_ack_and_nothing_is_stored(
    district: Services, room: SlackRoom,
) -> None:
    await room.command(DEE_U, "cohort new")
    await room.submit(DEE_U, {"starts": "2026-09-14", "ends": "2026-12-18"})  # no name
    assert inline_errors(room) == {"name": "Please fill this in."}
    await room.submit(DEE_U, {"name": "Fall Discourse", "starts": "2026-02-30",
                              "ends": "2026-12-18"})
    errors = inline_errors(room)
    assert set(errors) == {"starts"}
    assert 'February 2026 has 28 days: "2026-02-30" isn\'t a date' in errors["starts"]
    await room.command(DEE_U, "cohort")
    assert "Fall Discourse" not in room.everything(DEE_U)

    # The same modal, put right, goes through as before.
    await room.submit(DEE_U, {"name": "Fall Discourse", "starts": "2026-09-14",
                              "ends": "2026-12-18"})
    assert room.acks[-1] == ""
    await room.command(DEE_U, "cohort")
    assert "Fall Discourse" in room.last(DEE_U)

    # The plan editor: a forged date never reaches the plan.
    await room.command(ANA_U, "choose C-TWO")
    await room.press(ANA_U, "use_plan")
    await room.command(ANA_U, "plan")
    before = room.last(ANA_U)
    await room.press(ANA_U, "edit_plan")
    await room.submit(ANA_U, {"deadline": "2026-13-45"})
    assert set(inline_errors(room)) == {"deadline"}
    await room.command(ANA_U, "plan")
    assert room.last(ANA_U) == before
    assert set(room.responses) == {200}
    assert assert_valid_block_kit(room.fake) >= 6


async def test_an_upload_named_only_by_id_is_looked_up_and_an_unreadable_one_stores_nothing(
    room: SlackRoom,
) -> None:
    fake = room.fake
    await room.command(ANA_U, "choose C-ONE")
    await room.press(ANA_U, "use_plan")
    await room.command(ANA_U, "draft")
    await room.press(ANA_U, "hand_in_form")
    filled = {"part1": "https://video.example.org/lesson-1", "part2": REFLECTION}

    # A file Slack no longer has: she is told, and nothing of the form is handed in or kept.
    await room.submit(ANA_U, filled, files={"part0": [{"id": "F0GONE01", "name": "plan.pdf"}]})
    assert "plan.pdf" in room.last(ANA_U)
    assert "I couldn't fetch plan.pdf from Slack" in room.last(ANA_U)
    await room.command(ANA_U, "draft")
    assert "Nothing new yet" in room.last(ANA_U)

    # Named only by its id, the upload is looked up with files.info and fetched.
    upload = fake.uploaded("F0FORM02", "plan.pdf", PDF, "application/pdf")
    await room.submit(ANA_U, filled | {"send_as": "draft"},
                      files={"part0": [{"id": upload["id"], "name": "plan.pdf"}]})
    assert [c.args.get("file") for c in fake.called("files.info")] == ["F0GONE01", "F0FORM02"]
    assert "for feedback" in room.last(ANA_U)
