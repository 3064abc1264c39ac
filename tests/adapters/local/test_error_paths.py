"""Every error path of the conversation, as the person meets it, and what was (not) stored."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import event, func, select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.storage.models import DraftItem, EvidenceVersion, Pursuit, Review
from tests.helpers import ANA, BEN, FAY


async def _count(services: Services, model: type) -> int:
    async with services.db.read() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_step_out_of_order_says_what_to_do_first(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    assert "Say *catalog* to browse" in await ana.command("submit")
    await ana.command("choose", "C-ONE")
    assert "Make your plan first" in await ana.command("submit")
    assert "Make your plan first" in await ana.say("Reflection: early thoughts")
    assert await _count(district, DraftItem) == 0


async def test_missing_and_invalid_arguments_come_with_an_example(district: Services) -> None:
    ana = LocalDriver(district).as_(ANA)
    assert "like: show CODE" in await ana.command("show")
    assert "For example: snooze until next monday" in await ana.command("snooze")
    assert "more than 90 days away" in await ana.command("snooze", "2027-12-01")
    await ana.command("choose", "C-ONE")
    await ana.press("change_deadline")
    assert 'I couldn\'t read "someday"' in await ana.submit({"when": "someday"})
    assert "outside the submission window" in await ana.submit(
        {"when": "2027-07-01"}, form_id="deadline"
    )


async def test_nobody_reviews_without_the_role_or_their_own_work(district: Services) -> None:
    room = LocalDriver(district)
    ben = room.as_(BEN)
    # a teacher may be given a peer review, so the queue answers, and says who reviews
    assert "Reviews go to facilitators" in await ben.command("queue")
    assert "like: review 12" in await room.as_(FAY).command("review", "twelve")


async def test_another_teachers_evidence_stays_private(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    await ana.say("Reflection: private thoughts about my class")
    await ana.command("send")
    async with district.db.read() as session:
        review_id = await session.scalar(select(func.max(Review.id)))
    ben = room.as_(BEN)
    answer = await ben.press_value("open_review", str(review_id))
    assert "can't" in answer
    assert "private thoughts" not in answer


async def test_an_internal_failure_apologises_with_a_reference_and_writes_nothing(
    district: Services, caplog: pytest.LogCaptureFixture
) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    await ana.say("Reflection: my students talked to each other")

    def explode(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    event.listen(EvidenceVersion, "before_insert", explode)
    try:
        with caplog.at_level(logging.ERROR, logger="coachbot.conversation"):
            answer = await ana.command("send")
    finally:
        event.remove(EvidenceVersion, "before_insert", explode)
    assert "Sorry, something went wrong on my side" in answer
    reference = answer.rsplit("reference: ", 1)[1].rstrip(".")
    assert reference in caplog.text
    assert "disk on fire" in caplog.text
    assert "disk on fire" not in answer
    assert await _count(district, EvidenceVersion) == 0
    assert await _count(district, DraftItem) == 1  # the basket is still there to send again
    async with district.db.read() as session:
        assert await session.scalar(select(Pursuit.state)) == "in_progress"
    assert "with" in await ana.command("send")  # and sending again works
