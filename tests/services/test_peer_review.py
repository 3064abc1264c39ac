"""Peer review (Seminole): where a district turns it on, a colleague from the same school also
gets each draft and comments before the official review; the work spreads across colleagues."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.domain.errors import NotPermitted
from coachbot.domain.reviewer_policy import ReviewerPolicy
from coachbot.storage.models import EvidencePartRow, Person, Pursuit, Review, School
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
    assert "asked to comment on" in ben.last
    for other in (CARA, GIL):
        assert not any("asked to comment on" in t for t in room.as_(other).mailbox.texts())

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


async def _draft_sent(room: LocalDriver, services: Services) -> str:
    """Ana chooses C-ONE and sends a draft (peer review on); what she was told."""
    await set_peer_review(services, True)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", PDF, "application/pdf")
    await ana.say(REFLECTION)
    await ana.press("send_draft")  # no video yet: sent as it is, on purpose
    return await ana.press("send_as_is")


async def _feedback_from_fay(room: LocalDriver, words: str) -> None:
    fay = room.as_(FAY)
    await fay.press("open_review")
    await fay.press("score")
    scores = {"score:Question design": "Proficient", "score:Student talk": "Proficient"}
    await fay.submit(scores | {"feedback": words})


async def _comment_from_ben(room: LocalDriver, words: str) -> str:
    ben = room.as_(BEN)
    await ben.press("open_review")
    await ben.press("score", labelled="Comment")
    return await ben.submit({"feedback": words})


async def _peer_status(services: Services) -> list[str]:
    async with services.db.read() as session:
        found = await session.scalars(
            select(Review.status).where(Review.purpose == "peer").order_by(Review.id)
        )
        return list(found)


async def test_a_colleague_can_still_comment_after_the_facilitator(district: Services) -> None:
    room = LocalDriver(district)
    await _draft_sent(room, district)
    await _feedback_from_fay(room, "Ready to submit once the video is trimmed.")
    ana = room.as_(ANA)
    assert "feedback on your draft" in ana.last
    assert await _peer_status(district) == ["assigned"]  # the facilitator's word ends nothing

    queue = await room.as_(BEN).command("queue")
    assert "a colleague's comment on their draft: no scores" in queue
    thanks = await _comment_from_ben(room, "Let students pose the follow-up questions.")
    assert "Ana Teacher has your comments" in thanks
    assert "Ben Teacher, a colleague from your school, shared thoughts" in ana.last
    assert "Let students pose the follow-up questions." in ana.last
    assert "It adds to the feedback your facilitator sent." in ana.last
    assert await _peer_status(district) == ["completed"]


async def test_only_a_newer_hand_in_ends_a_colleagues_ask(district: Services) -> None:
    room = LocalDriver(district)
    await _draft_sent(room, district)
    await _feedback_from_fay(room, "Add the video.")
    assert await _peer_status(district) == ["assigned"]
    ben = room.as_(BEN)
    await ben.press("open_review")
    await ben.press("score", labelled="Comment")  # Ben opens the comment form, and waits
    ana = room.as_(ANA)
    await ana.say("Here's the video https://video.example.org/lesson-2")
    await ana.press("send_draft")
    # The first ask was for a draft that is no longer the latest; the new draft has its own.
    assert await _peer_status(district) == ["superseded", "assigned"]
    late = await ben.submit({"feedback": "Nice!"}, form_id="review")  # the old draft's form
    assert "handed in a newer version since" in late


async def test_comments_waiting_for_the_morning_join_the_facilitators_message(
    district: Services,
) -> None:
    room = LocalDriver(district)
    await _draft_sent(room, district)
    district.clock.set(datetime(2026, 9, 9, 1, 30, tzinfo=UTC))  # 20:30 in Chicago: quiet
    ana = room.as_(ANA)
    heard = len(ana.mailbox.replies)
    await _comment_from_ben(room, "Let students pose the follow-up questions.")
    await _feedback_from_fay(room, "Ready to submit once the video is trimmed.")
    assert len(ana.mailbox.replies) == heard  # nothing at night

    district.clock.set(datetime(2026, 9, 9, 13, 0, tzinfo=UTC))  # 08:00: the morning pass
    await build_nudging(district, room).dispatcher.run_once()
    assert len(ana.mailbox.replies) == heard + 1  # one message, both voices
    assert "Ready to submit once the video is trimmed." in ana.last
    assert "From your colleague Ben Teacher:* Let students pose the follow-up" in ana.last


async def test_the_teacher_is_told_honestly_when_no_colleague_is_free(district: Services) -> None:
    async with district.db.write() as session:
        south = await session.scalar(select(School.id).where(School.code == "SOUTH"))
        await session.execute(
            update(Person).where(Person.email.in_([BEN, FAY])).values(school_id=south)
        )
    room = LocalDriver(district)
    sent = await _draft_sent(room, district)
    assert "No colleague from your school is free to comment on this one." in sent
    assert "asked" not in sent
    assert await _peer_status(district) == []


async def test_comments_read_beside_the_facilitators_feedback_do_not_say_it_is_to_come(
    district: Services,
) -> None:
    """Fay gives her feedback by day; Ben comments that night, and his comments wait for the
    morning. Ana asks for her feedback at once and reads both: Ben's must not tell her Fay's
    feedback is "still to come"."""
    room = LocalDriver(district)
    await _draft_sent(room, district)
    await _feedback_from_fay(room, "Ready to submit once the video is trimmed.")
    district.clock.set(datetime(2026, 9, 9, 1, 30, tzinfo=UTC))  # 20:30 in Chicago: quiet
    await _comment_from_ben(room, "Let students pose the follow-up questions.")
    read = await room.as_(ANA).command("feedback")
    assert "Let students pose the follow-up questions." in read
    assert "Ready to submit once the video is trimmed." in read
    assert "still to come" not in read
    assert "these comments add to your facilitator's feedback" in read


async def test_a_colleagues_view_of_the_draft_closes_once_her_comments_are_sent(
    district: Services,
) -> None:
    """Ben may read Ana's draft while he comments; once his comments are sent, her work is
    no longer his to read, in chat or through a file link he was given, and he is told why
    instead of being treated as an intruder."""
    room = LocalDriver(district)
    await _draft_sent(room, district)
    ben = room.as_(BEN)
    async with district.db.read() as session:
        review = await session.scalar(select(Review.id).where(Review.purpose == "peer"))
        ben_id = await session.scalar(select(Person.id).where(Person.email == BEN))
        part = await session.scalar(
            select(EvidencePartRow.id).where(EvidencePartRow.kind == "file")
        )
    assert review is not None and ben_id is not None and part is not None
    files = district.evidence_files
    link_given = files.links.token(part, ben_id)
    assert "plan.pdf" in await ben.command("review", str(review))
    assert (await files.open(link_given)).file.part_id == part

    await _comment_from_ben(room, "Let students pose the follow-up questions.")
    closed = await ben.command("review", str(review))
    assert "you sent it on" in closed
    assert "open to you only while you comment" in closed
    assert "plan.pdf" not in closed
    with pytest.raises(NotPermitted):
        await files.open(link_given)
    # The facilitator and Ana still see it.
    assert "plan.pdf" in await room.as_(FAY).command("review", str(review))
