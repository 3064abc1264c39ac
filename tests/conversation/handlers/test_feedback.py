"""Feedback a teacher can always read: ``feedback`` shows every round at once, even when the
message about it waits for the morning, and what was read is not sent again."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.domain.evidence import EvidenceKind
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.models import NudgeRow
from tests.helpers import (
    ANA,
    BELOW,
    BEN,
    DEE,
    FAY,
    PASSING,
    actor,
    c_one_evidence,
    planned,
    under_review,
)

CHICAGO = ZoneInfo("America/Chicago")
ONE_AM = datetime(2026, 9, 9, 1, 0, tzinfo=CHICAGO).astimezone(UTC)  # a Wednesday


async def news_for(services: Services, email: str) -> list[NudgeRow]:
    person = await actor(services, email)
    async with services.db.read() as session:
        return list(
            await session.scalars(
                select(NudgeRow).where(NudgeRow.person_id == person.person_id).order_by(NudgeRow.id)
            )
        )


async def test_feedback_given_at_one_am_is_read_at_once_and_not_sent_again(
    district: Services,
) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    district.clock.set(ONE_AM)
    await district.reviews.record(
        await actor(district, FAY), review_id, Decision.NOT_YET, BELOW,
        strengths="Great wait time.", feedback="Add three student work samples.",
    )  # fmt: skip
    room = LocalDriver(district)
    nudging = build_nudging(district, room)
    result = await nudging.dispatcher.run_once()
    assert (result.sent, result.deferred) == (0, 1)  # the ping waits for the morning
    ana = room.as_(ANA)
    assert ana.mailbox.replies == []

    shown = await ana.command("feedback")
    assert "Your feedback on *Questioning for Discourse* (C-ONE)" in shown
    assert "Not yet, from Fay Facilitator (try 1 of 3)" in shown
    assert "- Question design: Developing (2 of 4), not yet at the standard" in shown
    assert "- Student talk: Proficient (3 of 4)" in shown
    assert "*What was strong:* Great wait time." in shown
    assert "*What to change:* Add three student work samples." in shown
    assert "*Next step:* revise what the feedback points to and resubmit" in shown
    assert ana.button("draft").label == "Revise my evidence"

    (row,) = await news_for(district, ANA)
    assert (row.status, row.dropped_reason) == ("read", "read_in_chat")
    # The morning comes: nothing is sent again, and the history still shows it, read.
    district.clock.set(datetime(2026, 9, 9, 9, 0, tzinfo=CHICAGO).astimezone(UTC))
    assert (await nudging.dispatcher.run_once()).sent == 0
    assert len(ana.mailbox.replies) == 1
    (line,) = await district.outbox.lines(email=ANA)
    assert (line.kind, line.status, line.reason) == ("feedback_ready", "read", "read_in_chat")


async def test_status_after_not_yet_says_what_to_change_and_points_to_feedback(
    district: Services,
) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    district.clock.set(ONE_AM)
    await district.reviews.record(
        await actor(district, FAY), review_id, Decision.NOT_YET, BELOW,
        feedback="Add three student work samples.",
    )  # fmt: skip
    room = LocalDriver(district)
    ana = room.as_(ANA)
    status = await ana.command("status")
    assert "Not yet: revise and resubmit" in status
    assert (
        "*What to change on Questioning for Discourse:* Add three student work samples." in status
    )
    assert "Say *feedback C-ONE* to read all of it." in status
    assert (await news_for(district, ANA))[0].status == "read"
    shown = await ana.press("read_feedback", labelled="C-ONE")
    assert "Not yet, from Fay Facilitator" in shown


async def test_every_round_is_kept_the_latest_in_full(district: Services) -> None:
    pursuit_id, review_id = await under_review(district, ANA, FAY)
    fay, dee, teacher = [await actor(district, e) for e in (FAY, DEE, ANA)]
    await district.reviews.record(
        fay, review_id, Decision.NOT_YET, BELOW, feedback="Add three student work samples."
    )
    room = LocalDriver(district)
    assert (await build_nudging(district, room).dispatcher.run_once()).sent == 1  # by day
    await district.evidence.hand_in(teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence(2))
    second = await district.reviews.assign(dee, pursuit_id, fay.person_id or 0)
    await district.reviews.record(
        fay, second, Decision.EARNED, PASSING, strengths="The samples show real discourse."
    )
    shown = await room.as_(ANA).command("feedback", "c-one")
    latest, _, earlier = shown.partition("*Earlier rounds*")
    assert "Earned! Reviewed by Fay Facilitator" in latest
    assert "*What was strong:* The samples show real discourse." in latest
    assert "Not yet, from Fay Facilitator (try 1 of 3); 1 of 2 criteria at the standard" in earlier
    assert "To change: Add three student work samples." in earlier
    assert "revise" not in latest.lower()  # no buttons to revise an earned credential


async def test_several_pursuits_none_and_a_bad_argument(district: Services) -> None:
    room = LocalDriver(district)
    ben = room.as_(BEN)
    assert "You haven't had any feedback yet" in await ben.command("feedback")
    await planned(district, BEN)
    assert "You haven't had any feedback yet" in await ben.command("feedback")

    _, review_id = await under_review(district, ANA, FAY)
    await district.reviews.record(
        await actor(district, FAY), review_id, Decision.NOT_YET, BELOW, feedback="Add samples."
    )
    ana = room.as_(ANA)
    missing = await ana.command("feedback", "XYZ-9")
    assert 'I couldn\'t find feedback on "XYZ-9"' in missing
    assert "try *feedback C-ONE*" in missing
    forged = await ana.press_value("read_feedback", "999999")
    assert "I couldn't find that credential among the ones you can open" in forged
    stale = await ana.press_value("read_feedback", "not a pursuit")
    assert "Traceback" not in stale and stale
