"""The review's outcome reaches the teacher as one merged message, written to the outbox with
the decision: nothing lost in a crash, nothing at night, never capped or muted; "not yet" keeps
every version and counts attempts, and after the district's bound offers a meeting instead."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services, build_nudging
from coachbot.conversation.vocabulary import Reply
from coachbot.domain.errors import ChangedMeanwhile, InvalidInput, PreconditionFailed
from coachbot.domain.evidence import EvidenceKind
from coachbot.services.reviews.reviewing import Decision, ReviewOutcome
from coachbot.storage.models import (
    Award,
    EvidenceVersion,
    IssuedCredential,
    NudgeRow,
    Pursuit,
    Review,
)
from tests.helpers import (
    ANA,
    BELOW,
    FAY,
    GIL,
    PASSING,
    actor,
    c_one_evidence,
    not_yet_until_the_limit,
    under_review,
)

CHICAGO = ZoneInfo("America/Chicago")


async def outbox(services: Services) -> list[NudgeRow]:
    async with services.db.read() as session:
        return list(await session.scalars(select(NudgeRow).order_by(NudgeRow.id)))


async def test_the_decision_and_the_teachers_message_commit_together(district: Services) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    fay = await actor(district, FAY)
    await district.reviews.record(
        fay,
        review_id,
        Decision.NOT_YET,
        BELOW,
        strengths="Great wait time.",
        feedback="Add samples.",
    )
    # The process "crashed" before sending: nothing reached Ana yet, but the row is there.
    room = LocalDriver(district)
    (row,) = await outbox(district)
    assert (row.kind, row.status, row.person_id) == ("feedback_ready", "pending", row.person_id)
    assert row.params["scores"] == [
        ["Question design", "Developing", False],
        ["Student talk", "Proficient", True],
    ]
    # The next dispatcher pass (a restart, the scheduler's tick) delivers it, once.
    nudging = build_nudging(district, room)
    assert (await nudging.dispatcher.run_once()).sent == 1
    assert (await nudging.dispatcher.run_once()).sent == 0
    ana = room.as_(ANA)
    assert len(ana.mailbox.replies) == 1
    message = ana.last
    assert "not yet, and that's part of the process" in message
    assert "Question design: Developing (not yet at the standard)" in message
    assert "*What was strong:* Great wait time." in message
    assert "*What to change next:* Add samples." in message
    assert "This was try 1 of 3" in message
    assert ana.button("draft").value == str(row.params["pursuit_id"])


async def test_a_review_that_is_not_recorded_queues_nothing(district: Services) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    fay = await actor(district, FAY)
    with pytest.raises(InvalidInput):
        await district.reviews.record(fay, review_id, Decision.EARNED, BELOW)
    assert await outbox(district) == []


async def test_feedback_waits_out_the_night_but_ignores_mute_and_the_cap(
    district: Services,
) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    teacher = await actor(district, ANA)
    await district.person_settings.update(teacher, muted=True)
    district.clock.set(datetime(2026, 9, 8, 20, 30, tzinfo=CHICAGO).astimezone(UTC))
    await district.reviews.record(await actor(district, FAY), review_id, Decision.EARNED, PASSING)
    room = LocalDriver(district)
    nudging = build_nudging(district, room)
    result = await nudging.dispatcher.run_once()
    # Ana's news and, behind it, the channel's announcement of her award both wait.
    assert (result.sent, result.deferred) == (0, 2)
    row, announcement = await outbox(district)
    assert (row.kind, announcement.kind) == ("feedback_ready", "award_announcement")
    assert row.deliver_at.astimezone(CHICAGO).isoformat() == "2026-09-09T07:30:00-05:00"
    district.clock.set(row.deliver_at)
    assert (await nudging.dispatcher.run_once()).sent == 2
    assert room.channels["#celebrations"]
    earned = room.as_(ANA).last
    assert "Congratulations! You've earned *Questioning for Discourse*" in earned
    assert "4.0 in-service hours" in earned
    # The link to her signed credential, where anyone can check it (it is issued with the award).
    async with district.db.read() as session:
        (document,) = await session.scalars(select(IssuedCredential.document))
    assert "anyone you share this link with can check that it is genuine" in earned
    assert document["id"] in earned and "/credentials/" in document["id"]


async def test_not_yet_three_times_keeps_every_version_and_offers_a_meeting(
    district: Services,
) -> None:
    room = LocalDriver(district)
    pursuit_id, told = await not_yet_until_the_limit(district, room)
    for attempt, message in enumerate(told, start=1):
        assert f"*What to change next:* Change {attempt}." in message
    teacher = await actor(district, ANA)
    last = room.as_(ANA).last
    assert "that was try 3 of 3, so before another one let's meet" in last
    assert "Gil Facilitator will go through the feedback with you" in last
    assert room.as_(ANA).button("help_me").label == "Ask for a meeting"
    async with district.db.read() as session:
        pursuit = await session.get(Pursuit, pursuit_id)
        versions = await session.scalar(
            select(func.count())
            .select_from(EvidenceVersion)
            .where(EvidenceVersion.pursuit_id == pursuit_id)
        )
    assert pursuit is not None
    assert (pursuit.state, pursuit.attempts, versions) == ("not_yet", 3, 3)
    with pytest.raises(PreconditionFailed) as caught:
        await district.evidence.hand_in(teacher, pursuit_id, EvidenceKind.FORMAL, c_one_evidence(4))
    assert caught.value.params["need"] == "meet_facilitator"
    # Pressing the button reaches the cohort's facilitator.
    await room.as_(ANA).press("help_me")
    assert "Ana Teacher" in room.as_(GIL).last


async def test_two_reviewers_deciding_at_once_one_decision_stands(district: Services) -> None:
    pursuit_id, first = await under_review(district, ANA, FAY)
    fay, gil = await actor(district, FAY), await actor(district, GIL)
    async with district.db.write() as session:  # a second open review of the same evidence
        original = await session.get(Review, first)
        assert original is not None
        twin = Review(
            pursuit_id=pursuit_id,
            evidence_version_id=original.evidence_version_id,
            reviewer_id=gil.person_id,
            purpose="official",
            status="assigned",
            assigned_at=district.clock.now(),
        )
        session.add(twin)
        await session.flush()
        second = twin.id
    results = await asyncio.gather(
        district.reviews.record(fay, first, Decision.EARNED, PASSING),
        district.reviews.record(gil, second, Decision.NOT_YET, BELOW, feedback="More samples."),
        return_exceptions=True,
    )
    stood = [r for r in results if isinstance(r, ReviewOutcome)]
    told = [r for r in results if isinstance(r, ChangedMeanwhile)]
    assert (len(stood), len(told)) == (1, 1), results
    winner = stood[0]
    decider = "Fay Facilitator" if winner.decision == "earned" else "Gil Facilitator"
    assert (told[0].params["by"], told[0].params["same"]) == (decider, True)
    async with district.db.read() as session:
        pursuit = await session.get(Pursuit, pursuit_id)
        awards = await session.scalar(select(func.count()).select_from(Award))
        statuses = sorted(await session.scalars(select(Review.status)))
    assert pursuit is not None and pursuit.state == winner.state
    assert awards == (1 if winner.decision == "earned" else 0)
    assert statuses == ["completed", "superseded"]
    # One message for Ana (and, for an award, one announcement behind it).
    announced = ["award_announcement"] if winner.decision == "earned" else []
    assert [row.kind for row in await outbox(district)] == ["feedback_ready", *announced]


class FlakyRoom(LocalDriver):
    """A platform that is down for one person: every message to them raises."""

    down_for: str = ANA

    async def to_person(self, person_id: int, reply: Reply) -> str:
        if await self._email(person_id) == self.down_for:
            raise ConnectionError("platform unreachable")
        return await super().to_person(person_id, reply)


async def test_a_platform_outage_after_the_decision_loses_nothing(district: Services) -> None:
    room = FlakyRoom(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    await ana.say("Reflection: the exit tickets changed tomorrow's groups")
    await ana.command("submit")
    fay = next(p for p in (room.as_(FAY), room.as_(GIL)) if p.mailbox.replies)
    await fay.press("open_review")
    await fay.press("score")
    recorded = await fay.submit({"score:Adjustment": "Proficient", "decision": "earned"})
    assert "Thanks!" in recorded and "Sorry" not in recorded  # the reviewer is not troubled
    assert not any("Congratulations" in text for text in ana.mailbox.texts())
    (row,) = [r for r in await outbox(district) if r.kind == "feedback_ready"]
    assert row.status in ("claimed", "pending")
    # The platform is back; once the interrupted claim's lease runs out, the next pass sends it.
    assert not room.channels["#celebrations"]  # nor did the channel hear before Ana
    room.down_for = ""
    district.clock.advance(timedelta(minutes=5))
    assert (await build_nudging(district, room).dispatcher.run_once()).sent == 2
    assert room.channels["#celebrations"]
    assert "Congratulations! You've earned *Exit Tickets that Inform*" in ana.last
