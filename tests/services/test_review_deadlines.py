"""Review deadlines: a late review moves to a colleague after the district's further bound, the
people involved hear once, turnaround counts the teacher's whole wait, and evidence nobody could
take is routed as soon as someone has room."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.domain.errors import PreconditionFailed
from coachbot.domain.evidence import EvidenceKind
from coachbot.domain.journey import Move
from coachbot.domain.reviewer_policy import Conflict, ReviewerPolicy
from coachbot.domain.roles import Actor
from coachbot.services.district.people import actor_by_email
from coachbot.services.nudging.sweep import Sweep
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.models import AuditEvent, NudgeRow, Pursuit, Review
from tests.conftest import START
from tests.helpers import (
    ANA,
    BEN,
    CARA,
    DEE,
    FAY,
    GIL,
    REFLECTION,
    actor,
    c_one_evidence,
    planned,
)
from tests.services.routing_world import (
    add_person,
    add_waiting,
    anns_review_of_tess,
    make_world,
    set_reviewers,
)

PDF = b"%PDF-1.4 lesson plan"
ONE_SCORE = {"Adjustment": "Proficient"}  # C-TWO's rubric


async def nudges(services: Services, kind: str) -> list[NudgeRow]:
    async with services.db.read() as session:
        return list(
            await session.scalars(
                select(NudgeRow).where(NudgeRow.kind == kind).order_by(NudgeRow.id)
            )
        )


async def test_a_review_far_past_due_moves_to_a_colleague_once(services: Services) -> None:
    world, cohort, review, ann = await anns_review_of_tess(services, reassign_after_days=5)
    assert ann == world.people["Ann"]
    sweep = Sweep(services.db, services.clock, services.reviews)

    services.clock.set(START + timedelta(days=10 + 4))  # late, escalated, not yet past the bound
    await sweep.run()
    assert await nudges(services, "review_reassigned") == []

    services.clock.set(START + timedelta(days=10 + 5, hours=1))  # past the further bound
    await sweep.run()
    (to_bo,) = await nudges(services, "review_reassigned")
    (to_ann,) = await nudges(services, "review_taken")
    (to_tess,) = await nudges(services, "reviewer_found")
    assert (to_bo.person_id, to_ann.person_id, to_tess.person_id) == (
        world.people["Bo"],
        ann,
        world.people["Tess"],
    )
    assert to_tess.params["moved"] is True
    await sweep.run()  # nothing moves twice, nobody hears twice
    assert len(await nudges(services, "review_reassigned")) == 1
    async with services.db.read() as session:
        old = await session.get(Review, review)
        new = await session.get(Review, to_bo.params["review_id"])
        moved = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "reassign_review")
        )
    assert old is not None and new is not None and moved is not None
    assert (old.status, new.status, new.reviewer_id) == ("reassigned", "assigned", to_bo.person_id)
    # a fresh deadline: ten days on is a Saturday, so it is due the Monday after
    assert new.due_at == services.clock.now() + timedelta(days=12)
    assert moved.reason == "late"

    async with services.db.read() as session:
        ann_actor = await actor_by_email(session, "ann@testville.example")
        bo_actor = await actor_by_email(session, "bo@testville.example")
    with pytest.raises(PreconditionFailed):  # Ann's old review is closed
        await services.reviews.record(ann_actor, review, Decision.FEEDBACK, ONE_SCORE, feedback="x")
    services.clock.advance(timedelta(days=1))
    await services.reviews.record(bo_actor, new.id, Decision.FEEDBACK, ONE_SCORE, feedback="Good.")
    # Turnaround is the teacher's whole wait: from the hand-in at START, 16 days and an hour.
    progress = await services.status.cohort(cohort)
    assert progress.median_review_days == 16.0


async def test_a_review_late_twice_never_goes_back_to_who_let_it_run_late(
    services: Services,
) -> None:
    """Ann (Tess's cohort facilitator, the first choice) lets it run late; it moves on, and the
    colleague lets it run late too: it goes to the one facilitator who has not had it, and
    Tess never hears that Ann, who kept her waiting, "has it now" (routing bars whoever had
    this evidence taken from them; this is the sweep moving it a second time)."""
    world, _, _, ann = await anns_review_of_tess(services, reassign_after_days=5)
    await add_person(services, world, "Cy", "teacher", "facilitator")
    sweep = Sweep(services.db, services.clock, services.reviews)
    services.clock.set(START + timedelta(days=10 + 5, hours=1))
    await sweep.run()
    (first,) = await nudges(services, "review_reassigned")
    async with services.db.read() as session:
        moved = await session.get(Review, first.params["review_id"])
    assert moved is not None and moved.due_at is not None and moved.reviewer_id != ann

    services.clock.set(moved.due_at + timedelta(days=5, hours=1))  # the colleague is late too
    await sweep.run()
    second = (await nudges(services, "review_reassigned"))[1]
    told = [n.params["reviewer"] for n in await nudges(services, "reviewer_found")]
    left = {world.people["Bo"], world.people["Cy"]} - {moved.reviewer_id}
    assert second.person_id in left
    assert told[-1] in ("Bo", "Cy") and "Ann" not in told, told


async def test_with_nobody_else_free_a_late_review_stays_put(services: Services) -> None:
    world = await make_world(services, ReviewerPolicy(reassign_after_days=2))
    await add_person(services, world, "Ann", "teacher", "facilitator")
    await add_person(services, world, "Tess", "teacher")
    review, _ = await services.reviews.route(await add_waiting(services, world, "Tess")) or (0, 0)
    services.clock.set(START + timedelta(days=13))
    await Sweep(services.db, services.clock, services.reviews).run()
    async with services.db.read() as session:
        status = (await session.get(Review, review)).status  # type: ignore[union-attr]
    assert status == "assigned"
    assert await nudges(services, "review_reassigned") == []


async def test_nobody_free_the_teacher_hears_when_and_the_sweep_routes_it_later(
    district: Services,
) -> None:
    """Fay and Gil each have their one review for the week. Ana hands in a draft: she is told
    honestly when to expect feedback, the admin is told, and once a reviewer has room again
    the sweep gives it to them and tells Ana."""
    services = district
    await set_reviewers(services, ReviewerPolicy(weekly_capacity=1))
    for teacher in (BEN, CARA):
        await _draft_routed(services, teacher)
    room = LocalDriver(services)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", PDF, "application/pdf")
    await ana.say("Here's the video https://video.example.org/lesson-1")
    await ana.say(REFLECTION)
    sent = await ana.press("send_draft")
    # The first reviewer frees up a week after their review (Tuesday, September 15); with the
    # district's ten-day deadline, feedback by Friday, September 25.
    assert "frees up on Tuesday, September 15" in sent
    assert "expect feedback by Friday, September 25" in sent
    assert "at the weekly capacity until Tuesday, September 15" in room.as_(DEE).last
    assert not any("sent you a draft" in t for t in room.as_(FAY).mailbox.texts()[1:])

    services.clock.set(START + timedelta(days=7, minutes=5))
    nudging = build_nudging(services, room)
    await nudging.sweep.run()
    (assigned,) = await nudges(services, "review_assigned")
    assert assigned.person_id in {await _id(services, FAY), await _id(services, GIL)}
    await nudging.dispatcher.run_once()
    assert "now has your draft of *Questioning for Discourse*" in ana.last
    reviewer = room.as_(FAY if assigned.person_id == await _id(services, FAY) else GIL)
    assert "waiting for a reviewer, and you're free now" in reviewer.last
    assert "Questioning for Discourse" in await reviewer.press("open_review")


async def test_with_no_allowed_reviewer_no_date_is_promised(district: Services) -> None:
    services = district
    conflicts = tuple(Conflict(f, ANA) for f in (FAY, GIL))
    await set_reviewers(services, ReviewerPolicy(conflicts=conflicts))
    room = LocalDriver(services)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", PDF, "application/pdf")
    await ana.say("Here's the video https://video.example.org/lesson-1")
    await ana.say(REFLECTION)
    sent = await ana.press("send_draft")
    assert "can't promise a date" in sent
    assert "nobody the district allows can review it" in room.as_(DEE).last


async def _id(services: Services, email: str) -> int:
    return (await actor(services, email)).person_id or 0


async def _draft_routed(services: Services, email: str) -> None:
    pursuit = await planned(services, email)
    teacher = await actor(services, email)
    await services.journey.move(teacher, pursuit, Move.START_WORK)
    await services.evidence.hand_in(teacher, pursuit, EvidenceKind.DRAFT, c_one_evidence())
    assert await services.reviews.route(pursuit) is not None


async def test_an_admin_sets_capacity_and_the_reassignment_bound_in_chat(
    district: Services,
) -> None:
    dee = LocalDriver(district).as_(DEE)
    assert "Reviews one person is given per week: no cap" in await dee.command("policy")
    assert "is now 4" in await dee.command("policy", "set reviewer_capacity 4")
    assert "is now 0" in await dee.command("policy", "set reassign_after_days 0")
    shown = await dee.command("policy")
    assert "Reviews one person is given per week: 4" in shown
    assert "never moved automatically" in shown
    assert "whole number from 0 to 200" in await dee.command("policy", "set reviewer_capacity x")
    policy = await district.policy.current((await actor(district, DEE)).district_id or 0)
    assert (policy.reviewers.weekly_capacity, policy.reviewers.reassign_after_days) == (4, None)


async def test_waiting_evidence_an_admin_assigns_by_hand_is_not_routed_twice(
    services: Services,
) -> None:
    world = await make_world(services, ReviewerPolicy(weekly_capacity=1))
    await add_person(services, world, "Ann", "teacher", "facilitator")
    for name in ("Tess", "Tom"):
        await add_person(services, world, name, "teacher")
    assert await services.reviews.route(await add_waiting(services, world, "Tess")) is not None
    waiting = await add_waiting(services, world, "Tom")
    assert await services.reviews.route(waiting) is None
    assert await services.reviews.waiting(waiting) is not None
    await services.reviews.assign(Actor.system(world.district_id), waiting, world.people["Ann"])
    assert await services.reviews.waiting(waiting) is None
    services.clock.set(START + timedelta(days=7, hours=1))
    await Sweep(services.db, services.clock, services.reviews).run()
    assert await nudges(services, "review_assigned") == []
    async with services.db.read() as session:
        open_reviews = list(
            await session.scalars(
                select(Review.id).where(Review.pursuit_id == waiting, Review.status == "assigned")
            )
        )
    assert len(open_reviews) == 1


async def test_waiting_evidence_still_without_a_reviewer_keeps_waiting_and_a_withdrawn_one_stops(
    services: Services,
) -> None:
    """When the sweep's turn comes and still nobody has room, the evidence keeps waiting (and
    nobody is told it was taken); evidence withdrawn meanwhile stops waiting."""
    world = await make_world(services, ReviewerPolicy(weekly_capacity=1))
    await add_person(services, world, "Ann", "teacher", "facilitator")
    for name in ("Tess", "Tom", "Tia", "Ted"):
        await add_person(services, world, name, "teacher")
    assert await services.reviews.route(await add_waiting(services, world, "Tess")) is not None
    tom = await add_waiting(services, world, "Tom")
    ted = await add_waiting(services, world, "Ted")
    assert await services.reviews.route(tom) is None
    assert await services.reviews.route(ted) is None
    services.clock.set(START + timedelta(days=7, hours=1))
    # Ann's week frees up, and an admin gives her Tia's draft by hand: she is full again.
    tia = await add_waiting(services, world, "Tia")
    await services.reviews.assign(Actor.system(world.district_id), tia, world.people["Ann"])
    async with services.db.write() as session:
        ted_pursuit = await session.get(Pursuit, ted)
        assert ted_pursuit is not None
        ted_pursuit.state = "withdrawn"  # withdrawn while it waited
    await Sweep(services.db, services.clock, services.reviews).run()
    assert await nudges(services, "review_assigned") == []
    assert await services.reviews.waiting(tom) is not None
    assert await services.reviews.waiting(ted) is None
