"""The authorization check remembers only what never changes about a pursuit: after the first
check, a teacher's own buttons and other people's refusals are answered from memory, while a
reviewer who handed the review off is refused at once (who reviews is always read fresh)."""

from __future__ import annotations

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.services.reading.access import Relation, Subject
from tests.helpers import ANA, BEN, DEE, FAY, actor, planned, under_review


async def test_own_buttons_work_and_others_are_refused_after_the_facts_are_remembered(
    district: Services,
) -> None:
    room = LocalDriver(district)
    pursuit_id = await planned(district, ANA)
    ana, ben = room.as_(ANA), room.as_(BEN)
    for _ in range(2):  # the second press is answered from the remembered facts
        await ana.press_value("edit_plan", str(pursuit_id))
        assert ana.mailbox.forms, "Ana's own plan opens"
        ana.mailbox.forms.clear()
    assert district.access.settled.pursuit(pursuit_id) is not None
    said = await ben.press_value("edit_plan", str(pursuit_id))
    assert "can't change the plan here" in said and not ben.mailbox.forms


async def test_a_reviewer_who_handed_off_is_refused_though_the_pursuit_is_remembered(
    district: Services,
) -> None:
    pursuit_id, review_id = await under_review(district, ANA, FAY)
    fay = await actor(district, FAY)
    wanted = (Relation.REVIEWER,)
    assert (await district.access.check(fay, Subject.PURSUIT, pursuit_id, wanted)).allowed
    await district.reviews.hand_off(fay, review_id, "I coach this teacher's team")
    verdict = await district.access.check(fay, Subject.PURSUIT, pursuit_id, wanted)
    assert not verdict.allowed and verdict.why == "not_reviewer"
    admin = await actor(district, DEE)  # the admin's right comes from their role, remembered
    assert (
        await district.access.check(admin, Subject.PURSUIT, pursuit_id, (Relation.REVIEWER,))
    ).allowed is False
    assert (
        await district.access.check(admin, Subject.PURSUIT, pursuit_id, (Relation.DISTRICT_ADMIN,))
    ).allowed
