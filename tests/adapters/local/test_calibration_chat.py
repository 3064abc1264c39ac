"""Calibration in chat: a blind second review, one merged message when both agree, a deciding
review when they do not, the figures admins see, and an anchor exercise that shows who drifts."""

from __future__ import annotations

from sqlalchemy import select

from adapters.local.driver import LocalDriver, LocalPerson
from coachbot.composition import Services
from coachbot.storage.models import AuditEvent, Review
from tests.helpers import ANA, DEE, FAY, GIL

REFLECTION = "Reflection: the exit tickets showed half the class mixing up area and perimeter."


async def double_scored_submission(room: LocalDriver) -> tuple[LocalPerson, LocalPerson]:
    """Ana submits C-TWO with every submission double-scored; returns (first, second)."""
    dee = room.as_(DEE)
    assert "*calibration* is now 100%" in await dee.command("policy", "set calibration 100%")
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    await ana.say(REFLECTION)
    assert "You've submitted" in await ana.command("submit")
    fay, gil = room.as_(FAY), room.as_(GIL)
    assert "submitted *Exit Tickets that Inform* for your official review" in fay.last
    assert "you're the second reviewer" in gil.last  # told at once, through the outbox
    return fay, gil


async def score(reviewer: LocalPerson, level: str, decision: str, feedback: str = "") -> str:
    opened = await reviewer.press("open_review")
    assert "exit tickets" in opened
    await reviewer.press("score")
    return await reviewer.submit(
        {"score:Adjustment": level, "decision": decision, "feedback": feedback}
    )


async def test_two_blind_reviews_that_agree_reach_the_teacher_as_one_message(
    district: Services,
) -> None:
    room = LocalDriver(district)
    fay, gil = await double_scored_submission(room)
    ana = room.as_(ANA)
    heard = len(ana.mailbox.replies)
    assert "a colleague scores it on their own" in await score(fay, "Proficient", "earned")
    assert len(ana.mailbox.replies) == heard  # nothing until both are in
    blind = await gil.press("open_review")
    assert "Double-scored for calibration" in blind
    assert "Proficient" not in blind.split("*Rubric*")[0]  # Fay's scores are not shown
    await gil.press("score")
    await gil.submit({"score:Adjustment": "Proficient", "decision": "earned"})
    assert len(ana.mailbox.replies) == heard + 1
    assert "Congratulations! You've earned *Exit Tickets that Inform*" in ana.last
    assert "Fay Facilitator and Gil Facilitator reviewed it" in ana.last
    # Combined scores say how they were combined (a trial found them unexplained).
    assert "*Scores* (2 reviewers scored it, each on their own" in ana.last
    report = await room.as_(DEE).command("calibration")
    assert "100% of formal submissions are scored twice, blind. 1 double-scored so far" in report
    assert "- Fay Facilitator: 1 submission, exact 100%, kappa not measurable yet" in report


async def test_a_disagreement_goes_to_a_deciding_review(district: Services) -> None:
    room = LocalDriver(district)
    fay, gil = await double_scored_submission(room)
    await score(fay, "Proficient", "earned")
    answer = await score(gil, "Not yet", "not_yet", "Show what changed the next day.")
    # Only two facilitators: the district admin gives the deciding review.
    assert "Dee Admin will give the deciding review" in answer
    dee, ana = room.as_(DEE), room.as_(ANA)
    assert "so yours decides" in dee.last
    await dee.press("open_review")
    await dee.press("score")
    decided = await dee.submit(
        {"score:Adjustment": "Not yet", "decision": "not_yet", "feedback": "Add tomorrow's plan."}
    )
    assert "has your \"not yet\" with your feedback" in decided, decided
    message = ana.last
    assert "not yet, and that's part of the process" in message
    assert "Fay Facilitator and Gil Facilitator and Dee Admin" in message
    assert "Show what changed the next day. Add tomorrow's plan." in message
    report = await dee.command("calibration")
    assert "1 went to a third reviewer" in report
    assert "- Gil Facilitator: 1 submission, exact 0%" in report
    async with district.db.read() as session:
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert {"calibration_sample", "calibration_scored", "calibration_disagreement"} <= set(actions)


async def test_an_anchor_exercise_shows_who_drifts(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    await ana.say(REFLECTION)
    await ana.command("submit")
    fay, gil, dee = room.as_(FAY), room.as_(GIL), room.as_(DEE)
    await score(fay, "Proficient", "earned")
    async with district.db.read() as session:
        agreed = await session.scalar(select(Review.id).where(Review.reviewer_id.isnot(None)))
    offered = await dee.command("calibration")
    assert f"- #{agreed} Exit Tickets that Inform: earned, by Fay Facilitator" in offered
    assert "I've asked 1 reviewer" in await dee.command("calibration", f"anchor {agreed}")
    assert "calibration exercise is ready" in gil.last
    assert "Anchors waiting for your scores" in await gil.command("calibration")
    anchor = await gil.press("open_review")
    assert "Anchor submission" in anchor
    assert "Ana Teacher" not in anchor
    assert "exit tickets" in anchor
    await gil.press("score")
    assert "Your scores of the anchor are in" in await gil.submit({"score:Adjustment": "Not yet"})
    assert "No calibration exercise is waiting for you" in await gil.command("calibration")
    report = await dee.command("calibration")
    assert "- Gil Facilitator: 0% on the agreed scores, lower on Adjustment: drifting" in report
    assert "Still to score it" not in report
