"""What a new user's trial found, typed again through the local driver, read as they read it:
approvals by the number shown, an approver's note read again, a draft missing a part held back
as a short one is, money as people write it, one way to count tries, status's next step after
a hand-in, and how to give a hand-off's reason."""

from __future__ import annotations

from adapters.local.driver import LocalDriver, LocalPerson
from coachbot.composition import Services
from coachbot.conversation.refs import ReviewRef
from coachbot.domain.currency import dollars
from coachbot.domain.journey import Move
from coachbot.services.reviews.reviewing import Decision
from tests.helpers import ANA, BELOW, DEE, FAY, SAM, actor, planned, under_review

PDF = b"%PDF-1.4 a good lesson plan"
REFLECTION = "Reflection: " + "my students asked each other why, again and again, today. " * 3
REASONS = "Our school goal is student discourse; a project gets every student talking."
NOTE = "Please say how you will share the product beyond your classroom."


async def working(district: Services, room: LocalDriver) -> LocalPerson:
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    ana = room.as_(ANA)
    await ana.send_file("lesson-plan.pdf", PDF, "application/pdf")
    await ana.say("https://video.example.org/lesson-1")
    return ana


async def test_approve_takes_the_number_the_list_shows_and_answers_in_approvers_words(
    district: Services,
) -> None:
    room = LocalDriver(district)
    ana, dee = await working(district, room), room.as_(DEE)
    await ana.command("choose", "C-APPROVE")
    await ana.press("request_approval")
    await ana.submit({"alignment": REASONS, "plan": "Six weeks in spring."})
    listed = await dee.command("approvals")
    number = listed.split("*Request #", 1)[1].split("*", 1)[0]
    assert f'as in "approve {number}"' in listed
    # A number that is no waiting request (here: Ana's other credential) is said as such.
    other = "1" if number != "1" else "2"
    wrong = await dee.command("approve", other)
    assert f"There's no request #{other} waiting for your decision" in wrong
    assert f"#{number} Ana Teacher for *Project-Based Unit*" in wrong
    assert "can't approve" not in wrong and "From here you can" not in wrong
    assert "Approved: Ana Teacher" in await dee.command("approve", number)


async def _sent_back(district: Services) -> LocalPerson:
    """Ana asks for approval of C-APPROVE and Sam sends the request back with ``NOTE``."""
    room = LocalDriver(district)
    ana, sam = room.as_(ANA), room.as_(SAM)
    await ana.command("choose", "C-APPROVE")
    await ana.press("request_approval")
    await ana.submit({"alignment": REASONS, "plan": "Six weeks in spring."})
    await sam.command("approvals")
    await sam.press("send_back", labelled="Ana")
    await sam.submit({"reason": NOTE})
    return ana


async def test_an_approvers_note_can_be_read_again_any_time(district: Services) -> None:
    ana = await _sent_back(district)
    assert "Sam Principal's note on Project-Based Unit" in await ana.command("status")
    again = await ana.command("feedback")
    assert "Sam Principal sent your request for Project-Based Unit back" in again
    assert NOTE in again and "[Ask again]" in again
    assert NOTE in await ana.command("feedback", "C-APPROVE")
    home = await ana.command("help")
    assert "say *feedback C-APPROVE* to read the approver's note again" in home
    assert "approver's note" in home


async def test_a_draft_missing_a_part_is_held_back_like_a_short_one(district: Services) -> None:
    room = LocalDriver(district)
    ana = await working(district, room)
    missing = await ana.command("send")
    assert "Before your draft of *Questioning for Discourse* goes to your facilitator" in missing
    assert '*Reflection* is still needed: send a message that starts "Reflection: "' in missing
    assert "Add it and say *send* again, or send the draft as it is" in missing
    assert "[Send the draft as it is]" in missing
    await ana.say("Reflection: too short")
    short = await ana.command("send")  # held the same way, and may go on purpose too
    assert "Before your draft of *Questioning for Discourse* goes to your facilitator" in short
    assert "*Reflection* has 2 words; it needs at least 20" in short
    assert "Add or finish it and say *send* again, or send the draft as it is" in short
    assert "[Send the draft as it is]" in short
    await ana.say(REFLECTION)
    assert "is with Fay Facilitator for feedback" in await ana.command("send")


async def test_a_draft_missing_a_part_can_still_go_on_purpose(district: Services) -> None:
    room = LocalDriver(district)
    ana = await working(district, room)
    assert "[Send the draft as it is]" in await ana.press("send_draft")
    assert "is with Fay Facilitator for feedback" in await ana.press("send_as_is")


def test_money_reads_as_people_write_it() -> None:
    assert dollars(2_500_000) == "$25,000"
    assert dollars(125_050) == "$1,250.50"
    assert dollars(20_000) == "$200"
    assert dollars(0) == "$0"


async def test_the_policy_shows_the_budget_with_separators_and_no_needless_cents(
    district: Services,
) -> None:
    dee = LocalDriver(district).as_(DEE)
    assert "is now $25,000." in await dee.command("policy", "set stipend_budget 25000")
    shown = await dee.command("policy")
    assert "Stipend budget: $25,000\n" in shown + "\n"
    assert "25000.00" not in shown


async def test_tries_are_counted_one_way_for_teacher_and_reviewer(district: Services) -> None:
    room = LocalDriver(district)
    _, review_id = await under_review(district, ANA, FAY)
    fay, ana = room.as_(FAY), room.as_(ANA)
    opened = await fay.command("review", str(review_id))
    assert "Questioning for Discourse, try 1 of 3" in opened
    assert "submission 1" not in opened
    await district.reviews.record(
        await actor(district, FAY), review_id, Decision.NOT_YET, BELOW, feedback="More talk."
    )
    assert "(try 1 of 3)" in await ana.command("feedback")
    assert "(try 1 of 3)" in await ana.command("files")


async def test_status_after_a_hand_in_names_the_real_next_step(district: Services) -> None:
    room = LocalDriver(district)
    ana, fay = room.as_(ANA), room.as_(FAY)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")  # the suggested plan: plan, collect each part, submit
    before = await ana.command("status")
    assert "next: Read the rubric and plan the lesson" in before
    await ana.send_file("lesson-plan.pdf", PDF, "application/pdf")
    await ana.say("https://video.example.org/lesson-1")
    await ana.say(REFLECTION)
    await ana.command("send")
    await fay.command("queue")
    review_id = ReviewRef.parse(fay.button("open_review").value).review_id
    await district.reviews.record(
        await actor(district, FAY), review_id, Decision.FEEDBACK, BELOW, feedback="Lovely start."
    )
    after = await ana.command("status")
    assert "next: Submit formally by" in after
    assert "next: Collect" not in after and "next: Read the rubric" not in after


async def test_a_handoff_without_a_reason_says_exactly_how_to_give_one(
    district: Services,
) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    fay = LocalDriver(district).as_(FAY)
    said = await fay.command("handoff", str(review_id))
    assert "Please add a short reason so your colleague has the context" in said
    assert f'as in "handoff {review_id} I\'m away until Monday' in said
    assert "Please add a short reason" in await fay.say(f"handoff {review_id}")


async def test_feedback_shows_a_reviewers_and_an_approvers_words_together(
    district: Services,
) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    await district.reviews.record(
        await actor(district, FAY), review_id, Decision.NOT_YET, BELOW, feedback="More talk."
    )
    ana = await _sent_back(district)
    both = await ana.command("feedback")
    assert NOTE in both and "Not yet, from Fay Facilitator (try 1 of 3)" in both
    one = await ana.command("feedback", "C-ONE")
    assert NOTE not in one and "More talk." in one
