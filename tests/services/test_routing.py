"""Routing as a district sees it: the cohort's facilitators first, then those qualified, the
official reviewers the district names for formal submissions, conflicts, the weekly capacity,
and hand-offs that never bounce back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coachbot.composition import Services
from coachbot.domain.errors import NotPermitted, PreconditionFailed
from coachbot.domain.reviewer_policy import Conflict, OfficialReviewer, ReviewerPolicy
from coachbot.domain.roles import Actor
from coachbot.services.credentials.reversal import MarkAwardRevoked
from coachbot.services.district.people import actor_by_email
from coachbot.storage.models import NudgeRow
from tests.services.routing_world import (
    World,
    add_award,
    add_cohort,
    add_person,
    add_waiting,
    make_world,
)


def email(name: str) -> str:
    return f"{name.lower()}@testville.example"


async def reviewer_of(services: Services, world: World, pursuit: int) -> str | None:
    routed = await services.reviews.route(pursuit)
    if routed is None:
        return None
    names = {pid: name for name, pid in world.people.items()}
    return names[routed[1]]


async def as_actor(services: Services, name: str) -> Actor:
    async with services.db.read() as session:
        return await actor_by_email(session, email(name))


async def test_cohort_facilitators_first_then_the_qualified_then_anyone(services: Services) -> None:
    world = await make_world(
        services, ReviewerPolicy(weekly_capacity=1, designated=(("C-TWO", (email("Desi"),)),))
    )
    for name in ("Cora", "Hold", "Desi", "Any"):
        await add_person(services, world, name, "teacher", "facilitator")
    for name in ("Tess", "Tom", "Tia", "Ty"):
        await add_person(services, world, name, "teacher")
    await add_award(services, world, "Hold", "C-ONE")
    cohort = await add_cohort(services, world, ["Cora"], ["Tess", "Tom", "Tia"])

    async def draft(teacher: str, code: str = "C-ONE", in_cohort: bool = True) -> int:
        return await add_waiting(
            services, world, teacher, code, cohort_id=cohort if in_cohort else None
        )

    # Cora, the cohort's facilitator, has room for one this week.
    assert await reviewer_of(services, world, await draft("Tess")) == "Cora"
    # Then Hold, who holds C-ONE, comes before Any, who does not.
    assert await reviewer_of(services, world, await draft("Tom")) == "Hold"
    # Nobody holds C-TWO, but the district designates Desi for it.
    assert await reviewer_of(services, world, await draft("Tia", "C-TWO")) == "Desi"
    # Everyone qualified has had their one this week: any facilitator may help.
    assert await reviewer_of(services, world, await draft("Ty", in_cohort=False)) == "Any"


async def test_qualified_only_waits_for_someone_qualified(services: Services) -> None:
    world = await make_world(services, ReviewerPolicy(qualified_only=True))
    await add_person(services, world, "Any", "teacher", "facilitator")
    await add_person(services, world, "Tess", "teacher")
    pursuit = await add_waiting(services, world, "Tess")
    assert await reviewer_of(services, world, pursuit) is None
    await add_person(services, world, "Hold", "teacher", "facilitator")
    await add_award(services, world, "Hold", "C-ONE")
    assert await reviewer_of(services, world, pursuit) == "Hold"


async def test_a_revoked_credential_qualifies_nobody(services: Services) -> None:
    world = await make_world(services, ReviewerPolicy(qualified_only=True))
    await add_person(services, world, "Hold", "teacher", "facilitator")
    await add_person(services, world, "Tess", "teacher")
    award = await add_award(services, world, "Hold", "C-ONE")
    await MarkAwardRevoked(services.db, services.clock).reverse(award, "awarded in error")
    # Hold's C-ONE was revoked: with qualified reviewers only, Tess's work waits.
    assert await reviewer_of(services, world, await add_waiting(services, world, "Tess")) is None


async def test_formal_submissions_go_to_the_official_reviewers_in_the_districts_order(
    services: Services,
) -> None:
    world = await make_world(
        services,
        ReviewerPolicy(
            official=(OfficialReviewer.COMMITTEE, OfficialReviewer.SCHOOL_ADMIN),
            committee=(email("Kim"),),
            conflicts=(Conflict(email("Kim"), email("Tom")),),
        ),
    )
    await add_person(services, world, "Fac", "teacher", "facilitator")
    await add_person(services, world, "Kim", "teacher", school="SOUTH")  # on the committee
    await add_person(services, world, "Pia", "school_admin")  # principal of NORTH
    await add_person(services, world, "Pat", "school_admin", school="SOUTH")
    for name in ("Tess", "Tom"):
        await add_person(services, world, name, "teacher")
    # The committee first; a draft still goes to a facilitator for feedback.
    assert (
        await reviewer_of(
            services, world, await add_waiting(services, world, "Tess", kind="formal")
        )
        == "Kim"
    )
    assert (
        await reviewer_of(services, world, await add_waiting(services, world, "Tess", "C-TWO"))
        == "Fac"
    )
    # Kim has a conflict with Tom: then the admin of Tom's own school, never SOUTH's.
    assert (
        await reviewer_of(services, world, await add_waiting(services, world, "Tom", kind="formal"))
        == "Pia"
    )
    # A facilitator is not an official reviewer here, even when an admin picks one by hand.
    pursuit = await add_waiting(services, world, "Tom", "C-TWO", kind="formal")
    admin = Actor.system(world.district_id)
    with pytest.raises(NotPermitted):
        await services.reviews.assign(admin, pursuit, world.people["Fac"])
    with pytest.raises(PreconditionFailed) as caught:
        await services.reviews.assign(admin, pursuit, world.people["Kim"])
    assert caught.value.params["need"] == "no_conflict"
    assert await services.reviews.assign(admin, pursuit, world.people["Pia"]) > 0


async def test_same_school_conflict_keeps_official_decisions_outside_the_school(
    services: Services,
) -> None:
    world = await make_world(services, ReviewerPolicy(same_school_conflict=True))
    await add_person(services, world, "Near", "teacher", "facilitator")  # NORTH, in the cohort
    await add_person(services, world, "Far", "teacher", "facilitator", school="SOUTH")
    await add_person(services, world, "Tess", "teacher")
    cohort = await add_cohort(services, world, ["Near"], ["Tess"])
    draft = await add_waiting(services, world, "Tess", cohort_id=cohort)
    formal = await add_waiting(services, world, "Tess", "C-TWO", kind="formal", cohort_id=cohort)
    assert await reviewer_of(services, world, draft) == "Near"  # feedback on drafts stays local
    assert await reviewer_of(services, world, formal) == "Far"


async def test_a_hand_off_never_bounces_back_to_who_gave_it_up(services: Services) -> None:
    world = await make_world(services, ReviewerPolicy())
    for name in ("Ann", "Bo"):
        await add_person(services, world, name, "teacher", "facilitator")
    await add_person(services, world, "Tess", "teacher")
    pursuit = await add_waiting(services, world, "Tess")
    review, first = await services.reviews.route(pursuit) or (0, 0)
    assert first == world.people["Ann"]
    moved = await services.reviews.hand_off(
        await as_actor(services, "Ann"), review, "Out sick this week"
    )
    assert moved is not None and moved[1] == world.people["Bo"]
    async with services.db.read() as session:  # Bo's news committed with the hand-off
        told = (await session.execute(select(NudgeRow.person_id, NudgeRow.params))).one()
    assert told[0] == world.people["Bo"] and told[1]["reason"] == "Out sick this week"
    # Bo cannot hand it back to Ann, who already gave it up: it stays with Bo.
    assert await services.reviews.hand_off(await as_actor(services, "Bo"), moved[0], "Busy") is None
