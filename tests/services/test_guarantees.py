"""What users rely on when several things happen at once, or something breaks midway."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError

from coachbot.composition import Services, build
from coachbot.domain.errors import ChangedMeanwhile, MoveNotAllowed, PreconditionFailed
from coachbot.domain.evidence import EvidenceKind
from coachbot.domain.journey import Move
from coachbot.domain.roles import Actor
from coachbot.services.reviews.reviewing import Decision
from coachbot.settings import Settings
from coachbot.storage.models import AuditEvent, Award, EvidenceVersion, Pursuit, Review
from tests.helpers import (
    ANA,
    BELOW,
    DEE,
    FAY,
    GIL,
    PASSING,
    SAM,
    actor,
    c_one_evidence,
    under_review,
)


async def _second_bot(services: Services) -> Services:
    """Another CoachBot on the same database with its own connections, like a second replica."""
    return build(Settings(database_url=services.db.url, _env_file=None), services.clock)


async def _awaiting_approval(services: Services) -> int:
    ana = await actor(services, ANA)
    chosen = await services.choosing.choose(ana, "C-APPROVE")
    assert chosen.needs_approval
    await services.journey.move(ana, chosen.pursuit_id, Move.REQUEST_APPROVAL)
    return chosen.pursuit_id


async def _count(services: Services, statement: object) -> int:
    async with services.db.read() as session:
        return await session.scalar(statement) or 0  # type: ignore[call-overload]


async def test_two_approvers_at_once_one_wins_the_other_is_told(district: Services) -> None:
    services = district
    other = await _second_bot(services)
    try:
        pursuit = await _awaiting_approval(services)
        sam, dee = await actor(services, SAM), await actor(services, DEE)
        results = await asyncio.gather(
            services.journey.move(sam, pursuit, Move.APPROVE),
            other.journey.move(dee, pursuit, Move.APPROVE),
            return_exceptions=True,
        )
    finally:
        await other.aclose()
    wins = [r for r in results if not isinstance(r, BaseException)]
    losses = [r for r in results if isinstance(r, BaseException)]
    assert len(wins) == 1
    assert len(losses) == 1
    assert isinstance(losses[0], ChangedMeanwhile)
    assert losses[0].params["same"] is True
    assert losses[0].params["by"] in {"Sam Principal", "Dee Admin"}
    approvals = await _count(
        services,
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "approve", AuditEvent.subject_id == pursuit),
    )
    assert approvals == 1


async def test_conflicting_decisions_on_a_stale_view_are_refused(district: Services) -> None:
    services = district
    other = await _second_bot(services)
    try:
        pursuit = await _awaiting_approval(services)
        async with services.db.read() as session:
            seen = (await session.get(Pursuit, pursuit)).version  # type: ignore[union-attr]
        sam, dee = await actor(services, SAM), await actor(services, DEE)
        results = await asyncio.gather(
            services.journey.move(sam, pursuit, Move.APPROVE, expected_version=seen),
            other.journey.move(
                dee, pursuit, Move.SEND_BACK, reason="Budget is spent", expected_version=seen
            ),
            return_exceptions=True,
        )
    finally:
        await other.aclose()
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    loser = next(r for r in results if isinstance(r, BaseException))
    assert isinstance(loser, ChangedMeanwhile)
    async with services.db.read() as session:
        state = (await session.get(Pursuit, pursuit)).state  # type: ignore[union-attr]
    assert state in {"approved", "sent_back"}


async def test_two_reviewers_deciding_the_same_submission(district: Services) -> None:
    services = district
    pursuit, review = await under_review(services)
    fay = await actor(services, FAY)
    other = await _second_bot(services)
    try:
        results = await asyncio.gather(
            services.reviews.record(fay, review, Decision.EARNED, PASSING),
            other.reviews.record(fay, review, Decision.NOT_YET, PASSING, feedback="More."),
            return_exceptions=True,
        )
    finally:
        await other.aclose()
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    loser = next(r for r in results if isinstance(r, BaseException))
    assert isinstance(loser, PreconditionFailed)
    assert loser.params["need"] == "open_review"
    assert (
        await _count(
            services,
            select(func.count())
            .select_from(Review)
            .where(Review.pursuit_id == pursuit, Review.status == "completed"),
        )
        == 1
    )


async def test_a_retried_request_has_one_effect(district: Services) -> None:
    services = district
    pursuit = await _awaiting_approval(services)
    sam = await actor(services, SAM)
    first = await services.journey.move(sam, pursuit, Move.APPROVE, idempotency_key="slack:evt-1")
    again = await services.journey.move(sam, pursuit, Move.APPROVE, idempotency_key="slack:evt-1")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.to_state == first.to_state == "approved"
    assert again.version == first.version
    assert (
        await _count(
            services,
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "approve"),
        )
        == 1
    )


async def test_the_same_request_arriving_twice_at_once_has_one_effect(district: Services) -> None:
    services = district
    ana = await actor(services, ANA)
    other = await _second_bot(services)
    try:
        results = await asyncio.gather(
            services.choosing.choose(ana, "C-TWO", idempotency_key="click-42"),
            other.choosing.choose(ana, "C-TWO", idempotency_key="click-42"),
        )
    finally:
        await other.aclose()
    assert results[0].pursuit_id == results[1].pursuit_id
    assert sorted(r.replayed for r in results) == [False, True]
    assert await _count(services, select(func.count()).select_from(Pursuit)) == 1


async def test_double_choose_without_a_key_makes_one_pursuit(district: Services) -> None:
    services = district
    ana = await actor(services, ANA)
    other = await _second_bot(services)
    try:
        results = await asyncio.gather(
            services.choosing.choose(ana, "C-TWO"),
            other.choosing.choose(ana, "C-TWO"),
            return_exceptions=True,
        )
    finally:
        await other.aclose()
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1
    assert isinstance(failures[0], PreconditionFailed)
    assert await _count(services, select(func.count()).select_from(Pursuit)) == 1


async def test_a_move_refused_midway_leaves_no_evidence_behind(district: Services) -> None:
    services = district
    ana = await actor(services, ANA)
    chosen = await services.choosing.choose(ana, "C-ONE")
    with pytest.raises(MoveNotAllowed):  # still "proposed": the evidence row was already added
        await services.evidence.hand_in(
            ana, chosen.pursuit_id, EvidenceKind.FORMAL, c_one_evidence()
        )
    assert await _count(services, select(func.count()).select_from(EvidenceVersion)) == 0
    async with services.db.read() as session:
        pursuit = await session.get(Pursuit, chosen.pursuit_id)
    assert pursuit is not None
    assert (pursuit.state, pursuit.attempts) == ("proposed", 0)


async def test_a_crash_while_awarding_leaves_nothing_half_written(district: Services) -> None:
    services = district
    pursuit, review = await under_review(services)
    fay = await actor(services, FAY)

    def explode(_mapper: object, _connection: object, target: AuditEvent) -> None:
        if target.action == "award":
            raise RuntimeError("disk full")

    event.listen(AuditEvent, "before_insert", explode)
    try:
        with pytest.raises(RuntimeError):
            await services.reviews.record(fay, review, Decision.EARNED, PASSING)
    finally:
        event.remove(AuditEvent, "before_insert", explode)
    async with services.db.read() as session:
        state = (await session.get(Pursuit, pursuit)).state  # type: ignore[union-attr]
        status = (await session.get(Review, review)).status  # type: ignore[union-attr]
        awards = await session.scalar(select(func.count()).select_from(Award))
    assert (state, status, awards) == ("under_review", "assigned", 0)
    # and the reviewer can simply try again
    done = await services.reviews.record(fay, review, Decision.EARNED, PASSING)
    assert done.state == "earned"


@pytest.mark.parametrize("table", ["audit_events", "evidence_versions", "evidence_parts"])
async def test_history_cannot_be_rewritten_even_by_sql(district: Services, table: str) -> None:
    services = district
    await under_review(services)
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with services.db.write() as session:
                await session.execute(text(statement))
    assert await _count(services, text(f"SELECT count(*) FROM {table}")) > 0


async def test_many_writers_at_once_never_see_database_busy(district: Services) -> None:
    """Twenty writers across two engine sets on one database: every write lands."""
    services = district
    other = await _second_bot(services)
    try:
        people = [
            await actor(services, email)
            for email in (ANA, "ben@testville.example", "cara@testville.example")
        ]
        jobs = []
        for i, person in enumerate(people):
            for code in ("C-ONE", "C-TWO", "C-COACH"):
                service = (services if i % 2 else other).choosing
                jobs.append(service.choose(person, code))
        results = await asyncio.gather(*jobs)
    finally:
        await other.aclose()
    assert len({r.pursuit_id for r in results}) == 9
    assert await _count(services, select(func.count()).select_from(Pursuit)) == 9


@pytest.mark.parametrize("decisions", [("earned", "not_yet"), ("not_yet", "earned")])
async def test_two_different_reviewers_deciding_one_submission_at_once(
    district: Services, decisions: tuple[str, str]
) -> None:
    """Fay and Gil both hold an official review of Ana's submission (a second reviewer was
    added) and decide at the same moment from two replicas: one decision stands, and the other
    reviewer is told who decided first instead of a second decision being stored."""
    services = district
    pursuit, fay_review = await under_review(services, reviewer=FAY)
    gil = await actor(services, GIL)
    gil_review = await services.reviews.assign(
        await actor(services, DEE), pursuit, gil.person_id or 0, purpose="official"
    )
    fay = await actor(services, FAY)
    other = await _second_bot(services)

    def decide(service: Services, who: Actor, review: int, decision: str) -> Awaitable[object]:
        if decision == "earned":
            return service.reviews.record(who, review, Decision.EARNED, PASSING)
        return service.reviews.record(who, review, Decision.NOT_YET, BELOW, feedback="More.")

    try:
        results = await asyncio.gather(
            decide(services, fay, fay_review, decisions[0]),
            decide(other, gil, gil_review, decisions[1]),
            return_exceptions=True,
        )
    finally:
        await other.aclose()
    wins = [r for r in results if not isinstance(r, BaseException)]
    losses = [r for r in results if isinstance(r, BaseException)]
    assert len(wins) == 1 and len(losses) == 1, results
    loser = losses[0]
    assert isinstance(loser, ChangedMeanwhile), loser
    winner_name = "Fay Facilitator" if results[0] is wins[0] else "Gil Facilitator"
    assert loser.params["by"] == winner_name
    stood = wins[0].decision  # type: ignore[attr-defined]
    async with services.db.read() as session:
        state = (await session.get(Pursuit, pursuit)).state  # type: ignore[union-attr]
        completed = list(
            await session.scalars(
                select(Review.decision).where(
                    Review.pursuit_id == pursuit, Review.status == "completed"
                )
            )
        )
        awards = await session.scalar(select(func.count()).select_from(Award))
    assert completed == [stood]
    assert state == stood
    assert awards == (1 if stood == "earned" else 0)
    # the reviewer who lost is told in words, naming who decided first
    words = services.prompts.render("errors.j2", loser.code, p={"tz": "UTC", **loser.params})
    assert winner_name in words
