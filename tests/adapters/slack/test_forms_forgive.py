"""Slack modals that forgive, through the real bolt app over signed HTTP: a wrong answer is
told beside its own field while the modal stays open with everything else in it; one the core
refuses after the ack is asked again in a modal that still holds every other answer."""

from __future__ import annotations

import json
from typing import Any

from coachbot.composition import Services
from tests.adapters.slack.conftest import ANA_U, DEE_U, FAY_U
from tests.adapters.slack.harness import SlackRoom, assert_valid_block_kit
from tests.helpers import ANA, FAY, under_review

FEEDBACK = "Let students pose the follow-up questions, then record the discussion again."


def inline_errors(room: SlackRoom) -> dict[str, str]:
    answer = json.loads(room.acks[-1] or "{}")
    assert answer.get("response_action") == "errors", answer
    return dict(answer["errors"])


def offer(modal: dict[str, Any], block_id: str, value: str) -> None:
    """A choice the modal never offered, as a tampered or outdated client might send it."""
    block = next(b for b in modal["blocks"] if b["block_id"] == block_id)
    block["element"]["options"].append({"text": {"type": "plain_text", "text": value},
                                        "value": value})


async def _review_modal(district: Services, room: SlackRoom) -> dict[str, Any]:
    _, review_id = await under_review(district, ANA, FAY)
    await room.command(FAY_U, f"review {review_id}")
    await room.press(FAY_U, "score")
    return room.last_modal(FAY_U)


async def test_a_wrong_decision_is_told_beside_it_and_the_modal_keeps_the_rest(
    district: Services, room: SlackRoom
) -> None:
    modal = await _review_modal(district, room)
    offer(modal, "decision", "maybe")
    posts = len(room.fake.called("chat.postMessage"))
    await room.submit(FAY_U, {"score:Question design": "Proficient",
                              "score:Student talk": "Exemplary", "feedback": FEEDBACK,
                              "decision": "maybe"})
    errors = inline_errors(room)
    assert set(errors) == {"decision"}  # the modal stays open; only this field is marked
    assert errors["decision"] == (
        '"maybe" isn\'t one of the choices. Please choose Earned or Not yet.'
    )
    assert len(room.fake.called("chat.postMessage")) == posts  # nothing recorded, nothing sent


async def test_a_decision_refused_after_the_ack_is_asked_again_with_the_feedback_kept(
    district: Services, room: SlackRoom
) -> None:
    await _review_modal(district, room)
    await room.submit(FAY_U, {"score:Question design": "Developing",
                              "score:Student talk": "Proficient", "feedback": FEEDBACK,
                              "decision": "earned"})
    assert room.acks[-1] == ""  # the fast checks pass; the rubric's rule is the core's
    told, button = room.texts(FAY_U)[-2:]
    assert "another look" in told and "Decision" in told
    assert "press the button to fill it in" in button
    assert "every criterion needs to be at the passing level" in told
    await room.press(FAY_U, "open_form")
    again = room.last_modal(FAY_U)
    by_id = {b["block_id"]: b["element"] for b in again["blocks"]}
    assert by_id["feedback"]["initial_value"] == FEEDBACK
    assert by_id["score:Question design"]["initial_option"]["value"] == "Developing"
    assert "initial_option" not in by_id["decision"]  # the one to answer again
    await room.submit(FAY_U, {"decision": "not_yet"})
    assert room.acks[-1] == ""
    assert 'Ana Teacher has your "not yet" with your feedback.' in room.last(FAY_U)
    assert FEEDBACK in room.everything(ANA_U)
    assert assert_valid_block_kit(room.fake) >= 4


async def test_onboarding_marks_only_the_wrong_answer(room: SlackRoom) -> None:
    await room.command(ANA_U, "start")
    modal = room.last_modal(ANA_U)
    offer(modal, "open_to_questions", "maybe")
    await room.submit(ANA_U, {"open_to_questions": "maybe", "named_in_announcements": "no"})
    assert inline_errors(room) == {
        "open_to_questions": '"maybe" isn\'t one of the choices. Please choose Yes or No.'
    }


async def test_a_cohort_without_a_name_keeps_its_dates(room: SlackRoom) -> None:
    await room.command(DEE_U, "cohort new")
    await room.submit(DEE_U, {"name": "", "starts": "2026-09-14", "ends": "2026-12-18"})
    assert inline_errors(room) == {"name": "Please fill this in."}
    await room.command(DEE_U, "cohort")
    assert "Fall" not in room.last(DEE_U)
