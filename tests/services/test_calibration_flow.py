"""Calibration in the record, on both databases: the sampled share gets a second reviewer, the
two blind scores can arrive at the same moment and still make exactly one decision."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from coachbot.composition import Services
from coachbot.domain.evidence import EvidenceKind
from coachbot.domain.journey import Move
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.models import Award, NudgeRow, Person, Pursuit, Review
from tests.helpers import BEN, CARA, DEE, PASSING, actor, c_one_evidence, planned


async def submit_and_route(services: Services, email: str) -> int:
    pursuit_id = await planned(services, email)
    teacher = await actor(services, email)
    await services.journey.move(teacher, pursuit_id, Move.START_WORK)
    await services.evidence.hand_in(teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence())
    assert await services.reviews.route(pursuit_id) is not None
    return pursuit_id


async def test_the_districts_share_is_sampled_for_a_second_review(district: Services) -> None:
    await district.policy.set(await actor(district, DEE), "calibration", "1 in 2")
    first = await submit_and_route(district, BEN)
    second = await submit_and_route(district, CARA)
    async with district.db.read() as session:
        purposes = {
            pid: sorted(
                await session.scalars(select(Review.purpose).where(Review.pursuit_id == pid))
            )
            for pid in (first, second)
        }
        pairs = list(
            await session.scalars(
                select(Review.reviewer_id).where(Review.pursuit_id == second).order_by(Review.id)
            )
        )
        told = await session.scalar(
            select(func.count()).select_from(NudgeRow).where(NudgeRow.kind == "calibration_review")
        )
    assert purposes == {first: ["official"], second: ["official", "second"]}
    assert len(set(pairs)) == 2  # two different reviewers
    assert told == 1


async def test_both_blind_scores_at_once_make_one_decision(district: Services) -> None:
    await district.policy.set(await actor(district, DEE), "calibration", "100%")
    pursuit_id = await submit_and_route(district, BEN)
    async with district.db.read() as session:
        reviews = list(
            await session.execute(
                select(Review.id, Review.reviewer_id).where(Review.pursuit_id == pursuit_id)
            )
        )
        emails = {
            rid: await session.scalar(select(Person.email).where(Person.id == reviewer))
            for rid, reviewer in reviews
        }
    judges = {rid: await actor(district, email) for rid, email in emails.items()}
    results = await asyncio.gather(
        *(
            district.reviews.record(judge, rid, Decision.EARNED, PASSING)
            for rid, judge in judges.items()
        )
    )
    assert sorted(r.waiting or "decided" for r in results) == ["decided", "partner"]
    async with district.db.read() as session:
        pursuit = await session.get(Pursuit, pursuit_id)
        awards = await session.scalar(select(func.count()).select_from(Award))
        statuses = sorted(await session.scalars(select(Review.status)))
        news = list(
            await session.scalars(select(NudgeRow).where(NudgeRow.kind == "feedback_ready"))
        )
    assert pursuit is not None and pursuit.state == "earned"
    assert (awards, statuses, len(news)) == (1, ["completed", "completed"], 1)
    assert len(news[0].params["reviewers"]) == 2
