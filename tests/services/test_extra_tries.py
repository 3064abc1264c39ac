"""After the last "not yet" the cohort's facilitators hear it is time to meet; after the meeting
one of them allows another try, once, and the teacher can submit again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import CoachBot, build_nudging
from coachbot.domain.errors import PreconditionFailed
from coachbot.domain.evidence import EvidenceKind
from coachbot.services.reviewing import Decision
from coachbot.storage.models import AuditEvent, Pursuit
from tests.helpers import ANA, BELOW, BEN, DEE, FAY, GIL, actor, c_one_evidence, under_review


async def _three_not_yets(bot: CoachBot, room: LocalDriver) -> int:
    dee = room.as_(DEE)
    await dee.command("cohort", "new")
    await dee.submit({"name": "Fall", "starts": "2026-09-01", "ends": "2027-01-29"})
    await dee.command("cohort", f"add Fall: {ANA}")
    await dee.command("cohort", f"facilitator Fall: {GIL}")
    pursuit_id, review_id = await under_review(bot, ANA, FAY)
    teacher, fay, admin = [await actor(bot, e) for e in (ANA, FAY, DEE)]
    nudging = build_nudging(bot, room)
    for attempt in (1, 2, 3):
        if attempt > 1:
            await bot.evidence.hand_in(
                teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence(attempt)
            )
            review_id = await bot.reviews.assign(admin, pursuit_id, fay.person_id or 0)
        await bot.reviews.record(fay, review_id, Decision.NOT_YET, BELOW, feedback="Change.")
        await nudging.dispatcher.run_once()
    return pursuit_id


async def test_the_facilitator_hears_it_is_time_to_meet_then_allows_one_more_try(
    district: CoachBot,
) -> None:
    room = LocalDriver(district)
    pursuit_id = await _three_not_yets(district, room)
    gil, ana = room.as_(GIL), room.as_(ANA)
    assert 'Ana Teacher has handed in *Questioning for Discourse* 3 times' in gil.last
    assert "let's meet" in ana.last

    done = await gil.press("extra_try")
    assert "Ana Teacher can submit *Questioning for Discourse* again (try 4)" in done
    assert "Gil Facilitator has given you another try" in ana.last
    # A second press (or a colleague's) allows nothing more: the try is not used yet.
    again = await gil.press("extra_try")
    assert "1 try left, so there's nothing to allow yet" in again

    teacher = await actor(district, ANA)
    await district.evidence.hand_in(teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence(4))
    async with district.db.read() as session:
        pursuit = await session.get(Pursuit, pursuit_id)
        allowed_by = list(await session.scalars(
            select(AuditEvent.actor_id).where(AuditEvent.action == "extra_try")
        ))
    assert pursuit is not None
    assert (pursuit.state, pursuit.attempts) == ("submitted", 4)
    assert allowed_by == [(await actor(district, GIL)).person_id]


async def test_only_the_cohorts_facilitator_or_an_admin_may_allow_it_never_the_teacher(
    district: CoachBot,
) -> None:
    room = LocalDriver(district)
    pursuit_id = await _three_not_yets(district, room)
    value = str(pursuit_id)
    assert "on your own work" in await room.as_(ANA).press_value("extra_try", value)
    assert "their facilitator or an admin" in await room.as_(BEN).press_value("extra_try", value)
    assert "their facilitator or an admin" in await room.as_(FAY).press_value("extra_try", value)
    teacher = await actor(district, ANA)
    with pytest.raises(PreconditionFailed):
        await district.evidence.hand_in(
            teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence(4)
        )
    assert "can submit" in await room.as_(DEE).press_value("extra_try", value)
