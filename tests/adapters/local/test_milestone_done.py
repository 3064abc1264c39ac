"""A trial's findings, held in chat on both backends: "Submit formally" is ticked off only by
submitting (never by a Done button a teacher pressed meaning to revise), a colleague's draft
waiting for a peer's comments is named where she lands, and planning names its next step."""

from __future__ import annotations

from sqlalchemy import select

from adapters.local.driver import LocalDriver, LocalPerson
from coachbot.composition import Services
from coachbot.conversation.nudges import NudgeDelivery
from coachbot.conversation.vocabulary import Buttons, Reply, Sender
from coachbot.domain.nudges import NudgeKind
from coachbot.platform.overview import overview
from coachbot.services.nudging import Outgoing
from coachbot.storage.models import MilestoneRow, Pursuit
from tests.helpers import ANA, BEN, FAY, draft_sent
from tests.services.routing_world import set_peer_review


async def _feedback_back(room: LocalDriver) -> LocalPerson:
    """Ana's draft holds every part and Fay has given feedback: all that is left of the
    suggested plan is to submit formally."""
    ana = await draft_sent(room)
    fay = room.as_(FAY)
    await fay.press("open_review")
    await fay.press("score")
    await fay.submit(
        {
            "score:Question design": "Proficient",
            "score:Student talk": "Proficient",
            "feedback": "Ready to submit once the video is trimmed.",
        }
    )
    assert "feedback on your draft" in ana.last
    return ana


def _labels(person: LocalPerson) -> list[str]:
    return [
        button.label
        for block in person.mailbox.last.blocks
        if isinstance(block, Buttons)
        for button in block.buttons
    ]


async def _states(services: Services) -> tuple[str, list[tuple[str, bool]]]:
    async with services.db.read() as session:
        state = await session.scalar(select(Pursuit.state))
        rows = await session.execute(
            select(MilestoneRow.title, MilestoneRow.done_at).order_by(MilestoneRow.position)
        )
        return str(state), [(title, done is not None) for title, done in rows.all()]


async def test_status_offers_the_hand_in_not_done_when_submitting_is_next(
    district: Services,
) -> None:
    room = LocalDriver(district)
    ana = await _feedback_back(room)
    status = await ana.command("status")
    assert "next: Submit formally by" in status
    assert "it ticks itself off when you submit your evidence" in status
    labels = _labels(ana)
    assert "Hand in: C-ONE" in labels
    hello = await ana.command("help")
    assert "next: Submit formally by" in hello and "ticked off when you say *submit*" in hello
    assert not any(label.startswith("Done") for label in labels)
    # The button shows her evidence and the ways to hand it in; nothing is handed in by it.
    basket = await ana.press("draft", labelled="Hand in: C-ONE")
    assert "Evidence for *Questioning for Discourse*" in basket
    state, steps = await _states(district)
    assert state == "in_progress" and ("Submit formally", False) in steps


async def test_done_for_submitting_says_how_and_marks_nothing(district: Services) -> None:
    room = LocalDriver(district)
    ana = await _feedback_back(room)
    answer = await ana.command("done")
    assert "That was the last milestone" not in answer and "Nice work" not in answer
    assert '"Submit formally", and it ticks itself off when you submit' in answer
    assert "Nothing has been submitted yet" in answer and "say *submit*" in answer
    assert _labels(ana) == ["See my evidence", "Submit formally"]
    _, steps = await _states(district)
    assert ("Submit formally", False) in steps
    # A Done button from an older message (or a forged one) marks nothing either.
    pursuit = ana.button("draft").value
    forged = await ana.press_value("done", pursuit)
    assert "ticks itself off when you submit" in forged
    assert "next: Submit formally" in await ana.command("status")
    # Submitting is what ticks it off.
    await ana.command("submit")
    await ana.press("submit_last")
    assert "You've submitted" in ana.last
    state, steps = await _states(district)
    assert state != "in_progress" and all(done for _, done in steps)


async def test_other_steps_keep_their_done_button(district: Services) -> None:
    ana = LocalDriver(district).as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.command("status")
    assert "Done: next step of C-ONE" in _labels(ana)
    done = await ana.press("done")
    assert done.startswith('Nice work: "Read the rubric and plan the lesson" is done.')


async def test_the_last_step_before_submitting_says_submitting_ticks_itself(
    district: Services,
) -> None:
    ana = LocalDriver(district).as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    answer = ""
    for _ in range(6):  # plan, then each part to collect, until submitting is next
        answer = await ana.command("done")
        if "Next up: Submit formally" in answer:
            break
    assert "That one ticks itself off when you submit your evidence" in answer
    assert "ticks itself off" in await ana.command("done")


async def test_a_peer_reopening_the_chat_sees_the_draft_waiting_for_her(
    district: Services,
) -> None:
    await set_peer_review(district, True)
    room = LocalDriver(district)
    await draft_sent(room)
    ben = room.as_(BEN)
    # What the terminal shows a returning person on opening the chat: their status.
    status = await ben.command("status")
    assert "Waiting for your comments:" in status
    assert "Ana Teacher's draft of *Questioning for Discourse*" in status
    assert "Open Ana Teacher's draft" in _labels(ben)
    opened = await ben.press("open_review", labelled="Open Ana Teacher's draft")
    assert "plan.pdf" in opened
    await ben.press("score", labelled="Comment")
    assert [f.name for f in ben.mailbox.forms[-1].fields] == ["strengths", "feedback"]
    # The greeting and help name it too, as a colleague's draft and not as "1 review".
    hello = await ben.command("help")
    assert "Waiting for your comments: Ana Teacher's draft of *Questioning for Discourse*" in hello
    assert "review waiting for you" not in hello
    # Slack's Home tab and Discord's /coach home show it, with the button that opens it.
    home = await overview(room.conversation, Sender("local", BEN))
    assert home is not None
    assert any("Waiting for your comments:" in reply.text for reply in home)
    assert any("[Open Ana Teacher's draft]" in reply.text for reply in home)
    # Once commented, it is no longer said to wait.
    await ben.submit({"feedback": "Maybe let students pose the follow-up questions."})
    assert "Waiting for your comments" not in await ben.command("status")


async def test_a_facilitator_still_reads_her_reviews_waiting(district: Services) -> None:
    room = LocalDriver(district)
    await draft_sent(room)
    hello = await room.as_(FAY).command("help")
    assert "1 review waiting for you: Ana Teacher's *Questioning for Discourse*" in hello


async def test_planning_names_the_next_step(district: Services) -> None:
    ana = LocalDriver(district).as_(ANA)
    await ana.command("choose", "C-ONE")  # a plan proposed, not yet saved
    state, _ = await _states(district)
    assert state == "planning"
    hello = await ana.command("help")
    assert "(planning; next: make your plan (say *plan*))" in hello
    status = await ana.command("status")
    assert "Planning; next: make your plan (say *plan*)" in status
    assert "Make my plan" in _labels(ana)
    assert "Here's a plan" in await ana.press("plan_for")


def _reminder(room: LocalDriver, kind: NudgeKind, step: str) -> tuple[str, list[str]]:
    delivery = NudgeDelivery(room.conversation.say, room)
    params = {"pursuit_id": 7, "milestone": step, "credential": "Questioning for Discourse",
              "due_on": "2026-10-30"}  # fmt: skip
    reply: Reply = delivery.render(Outgoing(1, "k", 1, kind, "s", params))
    labels = [b.label for block in reply.blocks if isinstance(block, Buttons)
              for b in block.buttons]  # fmt: skip
    return reply.text, labels


async def test_a_reminder_to_submit_opens_the_evidence_instead_of_done(
    district: Services,
) -> None:
    room = LocalDriver(district)
    for kind in (NudgeKind.MILESTONE_TODAY, NudgeKind.MILESTONE_OVERDUE):
        text, labels = _reminder(room, kind, "Submit formally")
        assert "Done" not in labels and labels[0] == "See my evidence"
        assert "say *submit*" in text and "mark it done" not in text
        assert "Tick it off" not in text
        _, labels = _reminder(room, kind, "Teach the lesson")  # other steps keep their Done
        assert labels[0] == "Done"
