"""Peer review (Seminole): where a district turns it on, a colleague from the same school also
gets each draft and comments before the official review; the work spreads across colleagues."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.domain.reviewer_policy import ReviewerPolicy
from coachbot.storage.models import Pursuit, Review
from tests.helpers import ANA, BEN, CARA, FAY, GIL, REFLECTION
from tests.services.routing_world import add_person, add_waiting, make_world, set_peer_review

PDF = b"%PDF-1.4 lesson plan"


async def test_a_colleague_comments_on_the_draft_and_the_facilitator_still_decides(
    district: Services,
) -> None:
    services = district
    await set_peer_review(services, True)
    room = LocalDriver(services)
    ana, ben = room.as_(ANA), room.as_(BEN)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", PDF, "application/pdf")
    await ana.say("Here's the video https://video.example.org/lesson-1")
    await ana.say(REFLECTION)
    sent = await ana.press("send_draft")
    # Fay (NORTH) reviews as facilitator; Ben, the other NORTH teacher, is the peer. Fay is a
    # NORTH teacher too, but she already has this draft; Cara and Gil are at SOUTH.
    assert "with Fay Facilitator for feedback" in sent
    assert "I've also asked Ben Teacher, a colleague from your school, for their comments" in sent
    assert "would value your comments" in ben.last
    for other in (CARA, GIL):
        assert not any("would value your comments" in t for t in room.as_(other).mailbox.texts())

    queue = await ben.command("queue")  # a teacher's own queue, holding only the peer review
    assert "Questioning for Discourse" in queue
    assert "plan.pdf" in await ben.press("open_review")
    await ben.press("score", labelled="Comment")
    # A colleague's form: their words only, no rubric scores and no decision.
    form = ben.mailbox.forms[-1]
    assert [f.name for f in form.fields] == ["strengths", "feedback"]
    await ben.submit(
        {
            "strengths": "Lovely open questions.",
            "feedback": "Maybe let students pose the follow-up questions.",
        }
    )
    assert "shared thoughts on your draft" in ana.last
    assert "Maybe let students pose the follow-up questions." in ana.last
    assert "Your facilitator's feedback is still to come." in ana.last
    async with services.db.read() as session:
        state = await session.scalar(select(Pursuit.state))
    assert state == "draft_with_facilitator"  # a peer's comments move nothing

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
    async with services.db.read() as session:
        state = await session.scalar(select(Pursuit.state))
    assert state == "in_progress"


async def test_pairing_spreads_the_work_and_respects_the_open_limit(services: Services) -> None:
    world = await make_world(services, ReviewerPolicy(peer_open_limit=2), peer=True)
    await add_person(services, world, "Fac", "teacher", "facilitator", school="SOUTH")
    teachers = [f"T{i}" for i in range(4)]
    for name in teachers:
        await add_person(services, world, name, "teacher")
    drafts = [
        await add_waiting(services, world, name, code)
        for code in ("C-ONE", "C-TWO")
        for name in teachers
    ]
    paired = [await services.reviews.route_peer(pursuit) for pursuit in drafts]
    assert all(p is not None for p in paired)
    counts = Counter(pair[1] for pair in paired if pair is not None)
    assert sorted(counts.values()) == [2, 2, 2, 2]  # everyone gives two, nobody more
    extra = await add_waiting(services, world, "T0", "C-COACH")
    assert await services.reviews.route_peer(extra) is None  # every colleague is at the open limit
    async with services.db.read() as session:
        own = await session.scalar(
            select(Review.id)
            .join(Pursuit, Pursuit.id == Review.pursuit_id)
            .where(Review.reviewer_id == Pursuit.teacher_id)
        )
    assert own is None  # nobody was paired with their own draft


async def test_without_peer_review_nobody_is_paired(services: Services) -> None:
    world = await make_world(services, ReviewerPolicy(), peer=False)
    for name in ("T0", "T1"):
        await add_person(services, world, name, "teacher")
    assert await services.reviews.route_peer(await add_waiting(services, world, "T0")) is None
