"""A whole journey held in chat through the local adapter, as several people at once."""

from __future__ import annotations

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from tests.helpers import ANA, DEE, FAY, GIL, SAM

PDF = b"%PDF-1.4 lesson plan"
REFLECTION = (
    "My students asked each other why, again and again. The question stems on the board gave "
    "the quiet ones a way in, and two groups argued about evidence for the first time."
)


async def test_choose_plan_draft_feedback_not_yet_resubmit_earned(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)

    await ana.command("start")
    assert "Welcome, Ana Teacher" in ana.last or "Welcome" in ana.mailbox.texts()[0]
    await ana.submit({"timezone": "America/Chicago", "open_to_questions": "yes"})
    assert "America/Chicago" in ana.last

    catalog = await ana.command("catalog")
    assert "Classroom Discourse" in catalog
    assert "C-ONE: Questioning for Discourse" in catalog
    detail = await ana.command("show", "c-one")
    assert "Lesson plan" in detail
    assert "Proficient" in detail

    proposal = await ana.press("choose")
    assert "Great choice" in proposal
    assert "Here's a plan" in proposal
    saved = await ana.press("use_plan")
    assert "Your plan for *Questioning for Discourse* is saved" in saved

    await ana.send_file("plan.pdf", PDF, "application/pdf")
    await ana.say("Here's the video https://video.example.org/lesson-1")
    short = await ana.say("Reflection: my students asked each other why, again and again.")
    assert "*Reflection* has 9 words; it needs at least 20" in short
    held = await ana.press("send_draft")
    assert "Before your draft of" in held and "[Send the draft as it is]" in held
    assert "draft" in held
    basket = await ana.say(f"Reflection: {REFLECTION}")
    assert "Everything is here" in basket
    sent = await ana.press("send_draft")
    assert "for feedback" in sent

    reviewers = {email: room.as_(email) for email in (FAY, GIL)}
    reviewer = next(r for r in reviewers.values() if r.mailbox.replies)
    assert "sent you a draft" in reviewer.last
    evidence = await reviewer.press("open_review")
    assert "plan.pdf" in evidence
    assert "https://video.example.org/lesson-1" in evidence
    await reviewer.press("score")
    await reviewer.submit(
        {
            "score:Question design": "Developing",
            "score:Student talk": "Proficient",
            "strengths": "Great wait time.",
            "feedback": "Show the students' own questions.",
        }
    )
    assert "feedback on your draft" in ana.last
    assert "Show the students' own questions." in ana.last

    submitted = await ana.command("submit")
    assert "empty" in submitted
    await ana.press("submit_last")
    assert "You've submitted" in ana.last
    await reviewer.press("open_review")
    await reviewer.press("score")
    await reviewer.submit(
        {
            "score:Question design": "Developing",
            "score:Student talk": "Proficient",
            "decision": "not_yet",
            "feedback": "Add two student work samples.",
        }
    )
    assert "not yet" in ana.last
    assert "failed" not in ana.last.lower()

    await ana.say("Reflection: this time I recorded the student questions as well.")
    renamed = await ana.send_file("plan-v2.pdf", b"PK\x03\x04" + b"\0" * 40, "application/pdf")
    assert "plan-v2.pdf is really a zip file inside" in renamed
    held = await ana.command("submit")
    assert "Almost there! Before your submission goes to a reviewer" in held
    assert "*Reflection* has 9 words" in held
    assert "zip" in held
    checked = await ana.command("selfcheck")
    assert "*Question design*" in checked
    assert "still to add or fix: Lesson plan" in checked
    await ana.say(f"Reflection: This time I recorded the student questions as well. {REFLECTION}")
    await ana.send_file("plan-v2.pdf", PDF + b" v2", "application/pdf")
    assert "Every part is here" in await ana.command("selfcheck")
    await ana.command("submit")
    assert "You've submitted" in ana.last
    await reviewer.press("open_review")
    await reviewer.press("score")
    await reviewer.submit(
        {
            "score:Question design": "Proficient",
            "score:Student talk": "Exemplary",
            "decision": "earned",
            "strengths": "Students led the discussion.",
        }
    )
    assert "Congratulations! You've earned *Questioning for Discourse*" in ana.last
    announcement = room.channels["#celebrations"][-1].text
    assert "Ana Teacher" in announcement
    status = await ana.command("status")
    assert "Earned" in status
    assert "4.0 in-service hours" in status


async def test_strangers_and_wrong_roles_get_a_kind_answer(district: Services) -> None:
    room = LocalDriver(district)
    stranger = room.as_("nobody@elsewhere.example")
    assert "don't have you on my roster" in await stranger.command("status")
    ana = room.as_(ANA)
    assert "Did you mean: status" in await ana.command("statsu")
    assert "is for" in await ana.command("approvals")
    assert "Add the credential's code" in await ana.command("choose")
    assert "I couldn't find a credential" in await ana.command("choose", "NOPE-9")
    assert "You don't have a credential in progress" in await ana.command("submit")
    assert "I couldn't read" in await ana.command("snooze", "whenever")
    sam = room.as_(SAM)
    assert "No requests are waiting" in await sam.command("approvals")
    dee = room.as_(DEE)
    assert "Quiet hours" in await dee.command("policy")
    assert "can't change" in await dee.command("policy", "set colour blue")


async def test_a_message_that_starts_with_check_is_still_evidence(district: Services) -> None:
    ana = LocalDriver(district).as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    filed = await ana.say("Check out my lesson video https://video.example.org/lesson-1")
    assert "Added to *Questioning for Discourse*: Classroom video" in filed
