"""Review deadlines: a late review moves to a colleague after the district's further bound, the
people involved hear once, turnaround counts the teacher's whole wait, and evidence nobody could
take is routed as soon as someone has room."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import CoachBot, build_nudging
from coachbot.domain.errors import PreconditionFailed
from coachbot.domain.evidence import EvidenceKind
from coachbot.domain.journey import Move
from coachbot.domain.reviewer_policy import Conflict, ReviewerPolicy
from coachbot.domain.roles import Actor
from coachbot.services.district.people import actor_by_email
from coachbot.services.nudging.sweep import Sweep
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.models import AuditEvent, NudgeRow, Review
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
    add_cohort,
    add_person,
    add_waiting,
    make_world,
    set_reviewers,
)

PDF = b"%PDF-1.4 lesson plan"
ONE_SCORE = {"Adjustment": "Proficient"}  # C-TWO's rubric


async def nudges(bot: CoachBot, kind: str) -> list[NudgeRow]:
    async with bot.db.read() as session:
        return list(
            await session.scalars(
                select(NudgeRow).where(NudgeRow.kind == kind).order_by(NudgeRow.id)
            )
        )


async def test_a_review_far_past_due_moves_to_a_colleague_once(bot: CoachBot) -> None:
    world = await make_world(bot, ReviewerPolicy(reassign_after_days=5))
    for name in ("Ann", "Bo"):
        await add_person(bot, world, name, "teacher", "facilitator")
    await add_person(bot, world, "Tess", "teacher")
    cohort = await add_cohort(bot, world, ["Ann"], ["Tess"])
    pursuit = await add_waiting(bot, world, "Tess", "C-TWO", cohort_id=cohort)
    review, ann = await bot.reviews.route(pursuit) or (0, 0)
    assert ann == world.people["Ann"]
    sweep = Sweep(bot.db, bot.clock, bot.reviews)

    bot.clock.set(START + timedelta(days=10 + 4))  # late, escalated, not yet past the bound
    await sweep.run()
    assert await nudges(bot, "review_reassigned") == []

    bot.clock.set(START + timedelta(days=10 + 5, hours=1))  # past the further bound
    await sweep.run()
    (to_bo,) = await nudges(bot, "review_reassigned")
    (to_ann,) = await nudges(bot, "review_taken")
    (to_tess,) = await nudges(bot, "reviewer_found")
    assert (to_bo.person_id, to_ann.person_id, to_tess.person_id) == (
        world.people["Bo"],
        ann,
        world.people["Tess"],
    )
    assert to_tess.params["moved"] is True
    await sweep.run()  # nothing moves twice, nobody hears twice
    assert len(await nudges(bot, "review_reassigned")) == 1
    async with bot.db.read() as session:
        old = await session.get(Review, review)
        new = await session.get(Review, to_bo.params["review_id"])
        moved = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "reassign_review")
        )
    assert old is not None and new is not None and moved is not None
    assert (old.status, new.status, new.reviewer_id) == ("reassigned", "assigned", to_bo.person_id)
    assert new.due_at == bot.clock.now() + timedelta(days=10)  # a fresh deadline
    assert moved.reason == "late"

    async with bot.db.read() as session:
        ann_actor = await actor_by_email(session, "ann@testville.example")
        bo_actor = await actor_by_email(session, "bo@testville.example")
    with pytest.raises(PreconditionFailed):  # Ann's old review is closed
        await bot.reviews.record(ann_actor, review, Decision.FEEDBACK, ONE_SCORE, feedback="x")
    bot.clock.advance(timedelta(days=1))
    await bot.reviews.record(bo_actor, new.id, Decision.FEEDBACK, ONE_SCORE, feedback="Good.")
    # Turnaround is the teacher's whole wait: from the hand-in at START, 16 days and an hour.
    progress = await bot.status.cohort(cohort)
    assert progress.median_review_days == 16.0


async def test_with_nobody_else_free_a_late_review_stays_put(bot: CoachBot) -> None:
    world = await make_world(bot, ReviewerPolicy(reassign_after_days=2))
    await add_person(bot, world, "Ann", "teacher", "facilitator")
    await add_person(bot, world, "Tess", "teacher")
    review, _ = await bot.reviews.route(await add_waiting(bot, world, "Tess")) or (0, 0)
    bot.clock.set(START + timedelta(days=13))
    await Sweep(bot.db, bot.clock, bot.reviews).run()
    async with bot.db.read() as session:
        status = (await session.get(Review, review)).status  # type: ignore[union-attr]
    assert status == "assigned"
    assert await nudges(bot, "review_reassigned") == []


async def test_nobody_free_the_teacher_hears_when_and_the_sweep_routes_it_later(
    district: CoachBot,
) -> None:
    """Fay and Gil each have their one review for the week. Ana hands in a draft: she is told
    honestly when to expect feedback, the admin is told, and once a reviewer has room again
    the sweep gives it to them and tells Ana."""
    bot = district
    await set_reviewers(bot, ReviewerPolicy(weekly_capacity=1))
    for teacher in (BEN, CARA):
        await _draft_routed(bot, teacher)
    room = LocalDriver(bot)
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

    bot.clock.set(START + timedelta(days=7, minutes=5))
    nudging = build_nudging(bot, room)
    await nudging.sweep.run()
    (assigned,) = await nudges(bot, "review_assigned")
    assert assigned.person_id in {await _id(bot, FAY), await _id(bot, GIL)}
    await nudging.dispatcher.run_once()
    assert "now has your draft of *Questioning for Discourse*" in ana.last
    reviewer = room.as_(FAY if assigned.person_id == await _id(bot, FAY) else GIL)
    assert "waiting for a reviewer, and you're free now" in reviewer.last
    assert "Questioning for Discourse" in await reviewer.press("open_review")


async def test_with_no_allowed_reviewer_no_date_is_promised(district: CoachBot) -> None:
    bot = district
    conflicts = tuple(Conflict(f, ANA) for f in (FAY, GIL))
    await set_reviewers(bot, ReviewerPolicy(conflicts=conflicts))
    room = LocalDriver(bot)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", PDF, "application/pdf")
    await ana.say("Here's the video https://video.example.org/lesson-1")
    await ana.say(REFLECTION)
    sent = await ana.press("send_draft")
    assert "can't promise a date" in sent
    assert "nobody the district allows can review it" in room.as_(DEE).last


async def _id(bot: CoachBot, email: str) -> int:
    return (await actor(bot, email)).person_id or 0


async def _draft_routed(bot: CoachBot, email: str) -> None:
    pursuit = await planned(bot, email)
    teacher = await actor(bot, email)
    await bot.journey.move(teacher, pursuit, Move.START_WORK)
    await bot.evidence.hand_in(teacher, pursuit, EvidenceKind.DRAFT, c_one_evidence())
    assert await bot.reviews.route(pursuit) is not None


async def test_an_admin_sets_capacity_and_the_reassignment_bound_in_chat(
    district: CoachBot,
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
    bot: CoachBot,
) -> None:
    world = await make_world(bot, ReviewerPolicy(weekly_capacity=1))
    await add_person(bot, world, "Ann", "teacher", "facilitator")
    for name in ("Tess", "Tom"):
        await add_person(bot, world, name, "teacher")
    assert await bot.reviews.route(await add_waiting(bot, world, "Tess")) is not None
    waiting = await add_waiting(bot, world, "Tom")
    assert await bot.reviews.route(waiting) is None
    assert await bot.reviews.waiting(waiting) is not None
    await bot.reviews.assign(Actor.system(world.district_id), waiting, world.people["Ann"])
    assert await bot.reviews.waiting(waiting) is None
    bot.clock.set(START + timedelta(days=7, hours=1))
    await Sweep(bot.db, bot.clock, bot.reviews).run()
    assert await nudges(bot, "review_assigned") == []
    async with bot.db.read() as session:
        open_reviews = list(
            await session.scalars(
                select(Review.id).where(Review.pursuit_id == waiting, Review.status == "assigned")
            )
        )
    assert len(open_reviews) == 1


async def test_evidence_still_waiting_or_recalled_does_not_stop_the_sweep(bot: CoachBot) -> None:
    """A day on, nobody is allowed yet: the wait is noted again. Evidence recalled while it
    waited: the wait is forgotten. Either way the sweep goes on and reminds everyone else."""
    world = await make_world(bot, ReviewerPolicy())
    for name in ("Tess", "Tom"):
        await add_person(bot, world, name, "teacher")  # nobody in the district reviews
    tess = await add_waiting(bot, world, "Tess")
    tom = await add_waiting(bot, world, "Tom")
    assert await bot.reviews.route(tess) is None
    assert await bot.reviews.route(tom) is None
    async with bot.db.read() as session:
        tom_actor = await actor_by_email(session, "tom@testville.example")
    await bot.journey.move(tom_actor, tom, Move.RECALL_DRAFT)
    bot.clock.set(START + timedelta(days=1, hours=1))  # past the daily retry of both waits
    assert (await Sweep(bot.db, bot.clock, bot.reviews).run()).skipped is False
    assert await bot.reviews.waiting(tom) is None
    still = await bot.reviews.waiting(tess)
    assert still is not None and still.next_try_at == bot.clock.now() + timedelta(days=1)
