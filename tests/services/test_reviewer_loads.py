"""Each reviewer's open reviews, as routing reads them, stay equal to a recount of the reviews
through everything that opens or closes one: assigning, handing off, deciding, withdrawing,
and writes that go around the services."""

from __future__ import annotations

from sqlalchemy import func, select, update

from coachbot.composition import Services
from coachbot.domain.journey import Move
from coachbot.domain.reviews import ReviewStatus
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.models import Review, ReviewerLoad
from tests.helpers import ANA, BEN, CARA, FAY, GIL, PASSING, actor, under_review


async def loads(services: Services) -> tuple[dict[int, int], dict[int, int]]:
    """(what reviewer_loads says, a recount from the reviews), zeros left out of both."""
    async with services.db.read() as session:
        kept = dict(
            (await session.execute(select(ReviewerLoad.person_id, ReviewerLoad.open_reviews))).all()
        )
        counted = dict(
            (
                await session.execute(
                    select(Review.reviewer_id, func.count())
                    .where(Review.status == ReviewStatus.ASSIGNED)
                    .group_by(Review.reviewer_id)
                )
            ).all()
        )
    return {k: v for k, v in kept.items() if v}, counted


async def test_open_reviews_follow_every_change(district: Services) -> None:
    services = district
    fay, gil = await actor(services, FAY), await actor(services, GIL)
    kept, counted = await loads(services)
    assert kept == counted == {}

    _, first = await under_review(services, ANA, FAY)
    _, second = await under_review(services, BEN, FAY)
    kept, counted = await loads(services)
    assert kept == counted == {fay.person_id: 2}

    moved = await services.reviews.hand_off(fay, first, "Away at a conference")
    assert moved is not None and moved[1] == gil.person_id
    kept, counted = await loads(services)
    assert kept == counted == {fay.person_id: 1, gil.person_id: 1}

    await services.reviews.record(gil, moved[0], Decision.EARNED, PASSING)
    kept, counted = await loads(services)
    assert kept == counted == {fay.person_id: 1}

    cara_pursuit, _ = await under_review(services, CARA, GIL)
    await services.journey.move(await actor(services, CARA), cara_pursuit, Move.WITHDRAW)
    kept, counted = await loads(services)
    assert kept == counted

    # Around the services (an admin's SQL, a future code path): the count still follows.
    async with services.db.write() as session:
        await session.execute(
            update(Review).where(Review.id == second).values(reviewer_id=gil.person_id)
        )
    kept, counted = await loads(services)
    assert kept == counted and fay.person_id not in kept
    async with services.db.write() as session:
        await session.execute(
            update(Review)
            .where(Review.status == ReviewStatus.ASSIGNED)
            .values(status=ReviewStatus.SUPERSEDED)
        )
    kept, counted = await loads(services)
    assert kept == counted == {}
