"""A whole journey held in Slack: signed Slack payloads into the real bolt app, every Web API
call the bot made checked against the fake Slack, every Block Kit payload validated."""

from __future__ import annotations

from datetime import timedelta

from coachbot.composition import Services
from coachbot.platform.contract import Accounts
from tests.adapters.slack.conftest import ANA_U, FAY_U, GIL_U
from tests.adapters.slack.fake_slack import TEAM, TOKEN
from tests.adapters.slack.harness import SlackRoom, assert_valid_block_kit

PDF = b"%PDF-1.4 lesson plan"


async def test_slash_command_modal_plan_draft_review_not_yet_resubmit_earned(
    district: Services, room: SlackRoom
) -> None:
    # Gil has no Slack id
    await Accounts(district, "slack").link_workspace(TEAM, None, match_by_email=True)
    fake = room.fake

    # /coach start: acked, then a modal opened at once with the command's trigger id.
    assert await room.command(ANA_U, "start") == 200
    onboarding = room.last_modal(ANA_U)
    assert onboarding["type"] == "modal"
    assert "Welcome" in room.everything(ANA_U)
    assert await room.submit(ANA_U, {"timezone": "America/Chicago",
                                     "open_to_questions": "yes"}) == 200
    assert "America/Chicago" in room.last(ANA_U)

    await room.command(ANA_U, "show c-one")
    assert "Lesson plan" in room.last(ANA_U)
    await room.press(ANA_U, "choose")
    assert "Here's a plan" in room.everything(ANA_U)
    await room.press(ANA_U, "use_plan")
    assert "Your plan for *Questioning for Discourse* is saved" in room.last(ANA_U)

    # The draft as DMs: a file (fetched with the bot token), a link, a reflection.
    await room.dm(ANA_U, "", [room.share("F0PLAN1", "plan.pdf", PDF, "application/pdf")])
    assert fake.downloads == [("F0PLAN1", f"Bearer {TOKEN}")]
    await room.dm(ANA_U, "Here's the video <https://video.example.org/lesson-1>")
    await room.dm(ANA_U, "Reflection: my students asked each other why, again and again, and "
                         "the quiet ones joined in once the questions were theirs, not mine.")
    assert "Everything is here" in room.everything(ANA_U)
    await room.press(ANA_U, "send_draft")
    assert "for feedback" in room.last(ANA_U)

    # The facilitator's button and the review modal, rubric criteria as radio buttons.
    reviewer = next(u for u in (FAY_U, GIL_U) if room.texts(u))
    assert "sent you a draft" in room.last(reviewer)
    await room.press(reviewer, "open_review")
    evidence = room.everything(reviewer)
    assert "plan.pdf" in evidence
    assert "https://video.example.org/lesson-1" in evidence
    await room.press(reviewer, "score")
    review = room.last_modal(reviewer)
    radios = [b for b in review["blocks"] if b["element"]["type"] == "radio_buttons"]
    assert {b["block_id"] for b in radios} >= {"score:Question design", "score:Student talk"}
    await room.submit(reviewer, {
        "score:Question design": "Developing", "score:Student talk": "Proficient",
        "strengths": "Great wait time.", "feedback": "Show the students' own questions.",
    })
    assert "Show the students' own questions." in room.last(ANA_U)

    await room.command(ANA_U, "submit")
    await room.press(ANA_U, "submit_last")
    assert "You've submitted" in room.last(ANA_U)
    await room.press(reviewer, "open_review")
    await room.press(reviewer, "score")
    await room.submit(reviewer, {
        "score:Question design": "Developing", "score:Student talk": "Proficient",
        "decision": "not_yet", "feedback": "Add two student work samples.",
    })
    assert "not yet" in room.last(ANA_U)
    assert "failed" not in room.everything(ANA_U).lower()

    # Resubmit: a new reflection and file, then earned.
    await room.dm(ANA_U, "Reflection: this time I recorded the student questions as well, so "
                         "you can hear how they built on each other without waiting for me.")
    await room.dm(ANA_U, "", [room.share("F0PLAN2", "plan-v2.pdf", PDF + b" v2",
                                         "application/pdf")])
    await room.command(ANA_U, "submit")
    await room.press(reviewer, "open_review")
    await room.press(reviewer, "score")
    await room.submit(reviewer, {
        "score:Question design": "Proficient", "score:Student talk": "Exemplary",
        "decision": "earned", "strengths": "Students led the discussion.",
    })
    assert "Congratulations! You've earned *Questioning for Discourse*" in room.last(ANA_U)

    # The announcement in the district's channel, with unfurling off: it waits its turn behind
    # Ana's own message (Slack's pace for her), then the next dispatch pass posts it.
    room.services.clock.advance(timedelta(seconds=2))
    await room.slack.nudging().dispatcher.run_once()
    announcement = fake.posts_to("#celebrations")
    posts = fake.called("chat.postMessage")
    congratulated = next(
        i for i, c in enumerate(posts) if "You've earned" in str(c.args.get("blocks"))
    )
    assert posts.index(announcement[0]) > congratulated  # Ana heard first
    assert len(announcement) == 1
    assert "Ana Teacher" in announcement[0].args["blocks"][0]["text"]["text"]
    assert announcement[0].args["unfurl_links"] is False

    # What Slack saw: every request acked 200, DMs opened once per person, every call with
    # the bot token, every message with unfurling off, every payload valid Block Kit.
    assert set(room.responses) == {200}
    opened = [c.args["users"] for c in fake.called("conversations.open")]
    assert len(opened) == len(set(opened))
    assert {c.token for c in fake.calls} == {TOKEN}
    assert all(c.args["unfurl_links"] is False and c.args["unfurl_media"] is False
               for c in fake.called("chat.postMessage"))
    assert len(fake.called("views.open")) == 4  # onboarding, then three reviews
    assert assert_valid_block_kit(fake) > 30
