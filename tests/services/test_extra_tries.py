"""After the last "not yet" the cohort's facilitators hear it is time to meet; after the meeting
one of them allows another try, once, and the teacher can submit again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.domain.errors import PreconditionFailed
from coachbot.domain.evidence import EvidenceKind
from coachbot.storage.models import AuditEvent, Pursuit
from tests.helpers import ANA, BEN, DEE, FAY, GIL, actor, c_one_evidence, not_yet_until_the_limit


async def test_the_facilitator_hears_it_is_time_to_meet_then_allows_one_more_try(
    district: Services,
) -> None:
    room = LocalDriver(district)
    pursuit_id, _ = await not_yet_until_the_limit(district, room)
    gil, ana = room.as_(GIL), room.as_(ANA)
    assert 'Ana Teacher has used all 3 tries at *Questioning for Discourse*' in gil.last
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
    district: Services,
) -> None:
    room = LocalDriver(district)
    pursuit_id, _ = await not_yet_until_the_limit(district, room)
    value = str(pursuit_id)
    # A teacher (the owner, or any other) is told the button is for facilitators and admins.
    assert "is for district admins and facilitators" in await room.as_(ANA).press_value(
        "extra_try", value
    )
    assert "is for district admins and facilitators" in await room.as_(BEN).press_value(
        "extra_try", value
    )
    assert "their facilitator or an admin" in await room.as_(FAY).press_value("extra_try", value)
    teacher = await actor(district, ANA)
    with pytest.raises(PreconditionFailed):
        await district.evidence.hand_in(
            teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence(4)
        )
    assert "can submit" in await room.as_(DEE).press_value("extra_try", value)
