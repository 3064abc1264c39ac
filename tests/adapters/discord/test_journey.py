"""A whole journey held in Discord: gateway dispatches into the real discord.py client, every
REST call the bot made checked against the fake Discord, mentions off on every one."""

from __future__ import annotations

from datetime import timedelta

from tests.adapters.discord.conftest import ANA, FAY, GIL
from tests.adapters.discord.fake_discord import APP_ID, FakeDiscord
from tests.adapters.discord.harness import DiscordRoom

PDF = b"%PDF-1.4 lesson plan"


async def test_coach_modal_pages_plan_draft_review_not_yet_resubmit_earned(
    room: DiscordRoom, fake: FakeDiscord
) -> None:
    # /coach start: deferred at once, then the form offered behind a button (a modal must be
    # the first answer to an interaction); the press answers with the modal itself.
    start = await room.command(ANA, "start")
    assert room.callback(start).body["type"] == 5  # type: ignore[union-attr]
    assert "Welcome" in room.everything(ANA)
    await room.press(ANA, "open_form")
    onboarding = room.last_modal(ANA)
    assert onboarding["custom_id"].startswith("cf|")
    assert len(onboarding["components"]) <= 5
    await room.submit(ANA, {"timezone": "America/Chicago", "open_to_questions": "yes"})
    assert "America/Chicago" in room.everything(ANA)

    await room.command(ANA, "show", "c-one")
    assert "Lesson plan" in room.everything(ANA)
    await room.press(ANA, "choose")
    assert "Here's a plan" in room.everything(ANA)
    await room.press(ANA, "use_plan")
    assert "Your plan for **Questioning for Discourse** is saved" in room.everything(ANA)

    # The draft as DMs: an attachment, a link (masked: its real address kept), a reflection.
    await room.dm(ANA, "", [("plan.pdf", PDF, "application/pdf")])
    await room.dm(ANA, "Here's the video [my lesson](https://video.example.org/lesson-1)")
    await room.dm(ANA, "Reflection: my students asked each other why, again and again, and "
                       "the quiet ones joined in once the questions were theirs, not mine.")
    assert "Everything is here" in room.everything(ANA)
    await room.press(ANA, "send_draft")
    assert "for feedback" in room.last(ANA)

    # The facilitator's button, then the review: the rubric is longer than one modal holds.
    reviewer = next(u for u in (FAY, GIL) if room.texts(u))
    assert "sent you a draft" in room.everything(reviewer)
    await room.press(reviewer, "open_review")
    evidence = room.everything(reviewer)
    assert "plan.pdf" in evidence
    assert "https://video.example.org/lesson-1" in evidence
    await room.press(reviewer, "score")
    review = {"score:Question design": "Developing", "score:Student talk": "Proficient",
              "score:Wait time": "Proficient", "score:Follow-up": "Developing",
              "strengths": "Great wait time.", "feedback": "Show the students' own questions."}
    pages = await answer_pages(room, reviewer, review)
    assert pages >= 2
    assert "Show the students' own questions." in room.everything(ANA)

    await room.command(ANA, "submit")
    await room.press(ANA, "submit_last")
    assert "You've submitted" in room.everything(ANA)
    await room.press(reviewer, "open_review")
    await room.press(reviewer, "score")
    await answer_pages(room, reviewer, {
        "score:Question design": "Developing", "score:Student talk": "Proficient",
        "score:Wait time": "Proficient", "score:Follow-up": "Developing",
        "decision": "not_yet", "feedback": "Add two student work samples."})
    assert "not yet" in room.everything(ANA)
    assert "failed" not in room.everything(ANA).lower()

    # Resubmit: a new reflection and file, then earned.
    await room.dm(ANA, "Reflection: this time I recorded the student questions as well, so "
                       "you can hear how they built on each other without waiting for me.")
    await room.dm(ANA, "", [("plan-v2.pdf", PDF + b" v2", "application/pdf")])
    await room.command(ANA, "submit")
    await room.press(reviewer, "open_review")
    await room.press(reviewer, "score")
    await answer_pages(room, reviewer, {
        "score:Question design": "Proficient", "score:Student talk": "Exemplary",
        "score:Wait time": "Proficient", "score:Follow-up": "Proficient",
        "decision": "earned", "strengths": "Students led the discussion."})
    assert "Congratulations! You've earned **Questioning for Discourse**" in room.everything(ANA)

    # The announcement in the district server's #celebrations channel, after Ana heard.
    room.services.clock.advance(timedelta(seconds=2))
    await room.bot.nudging().dispatcher.run_once()
    announcement = fake.called("POST", "/channels/700000000000000002/messages")
    assert len(announcement) == 1
    assert "Ana Teacher" in announcement[0].body["content"]
    assert announcement[0].body["allowed_mentions"] == {"parse": []}

    # What Discord saw: every interaction answered (deferred or a modal), no message sent
    # with mentions allowed, every component's custom id within 100 characters.
    callbacks = fake.called("POST", "/interactions/")
    assert {c.body["type"] for c in callbacks} == {5, 6, 9}  # deferred, or a modal at once
    assert all(len(c.body["data"]["components"]) <= 5 for c in callbacks if c.body["type"] == 9)
    posts = [c for c in fake.calls if c.method in ("POST", "PATCH") and "content" in c.body]
    assert len(posts) > 20
    assert all(c.body.get("allowed_mentions") == {"parse": []} for c in posts)
    assert all(len(component["custom_id"]) <= 100 for c in posts
               for row in c.body.get("components") or [] for component in row["components"])
    assert all(len(c.body["content"]) <= 2000 for c in posts)
    assert fake.called("POST", f"/webhooks/{APP_ID}/")  # answers as the interactions' follow-ups


async def answer_pages(room: DiscordRoom, user: str, values: dict[str, str]) -> int:
    """Answer a form offered behind "Open the form", page by page (each next page offered by
    a button under the answer to the last); how many pages it took."""
    pages = 0
    while True:
        await room.press(user, "open_form")
        pages += 1
        before = len(room.sent_to(user))
        await room.submit(user, values)
        after = room.sent_to(user)[before:]
        if not any("|open_form|" in str(call.body.get("components")) for call, _ in after):
            return pages
