"""A teacher's whole journey through the services, as the record shows it afterwards."""

from __future__ import annotations

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.domain.evidence import EvidenceKind
from coachbot.domain.journey import Move
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.models import AuditEvent, Award, EvidenceVersion
from tests.helpers import ANA, BELOW, DEE, FAY, PASSING, actor, c_one_evidence, days, planned


async def test_draft_feedback_not_yet_resubmit_earned(district: Services) -> None:
    services = district
    ana, fay, dee = (
        await actor(services, ANA),
        await actor(services, FAY),
        await actor(services, DEE),
    )
    pursuit = await planned(services)
    await services.journey.move(ana, pursuit, Move.START_WORK)

    draft = await services.evidence.hand_in(ana, pursuit, EvidenceKind.DRAFT, c_one_evidence(1))
    assert draft.state == "draft_with_facilitator"
    review = await services.reviews.assign(dee, pursuit, fay.person_id or 0)
    back = await services.reviews.record(
        fay, review, Decision.FEEDBACK, BELOW, feedback="Show the students' questions too."
    )
    assert back.state == "in_progress"

    services.clock.advance(days(7))
    formal = await services.evidence.hand_in(ana, pursuit, EvidenceKind.FORMAL, c_one_evidence(2))
    assert (formal.state, formal.attempt) == ("submitted", 1)
    review = await services.reviews.assign(dee, pursuit, fay.person_id or 0)
    not_yet = await services.reviews.record(
        fay, review, Decision.NOT_YET, BELOW, feedback="Add two work samples."
    )
    assert not_yet.state == "not_yet"

    services.clock.advance(days(7))
    again = await services.evidence.hand_in(ana, pursuit, EvidenceKind.FORMAL, c_one_evidence(3))
    assert (again.state, again.attempt, again.number) == ("submitted", 2, 3)
    review = await services.reviews.assign(dee, pursuit, fay.person_id or 0)
    earned = await services.reviews.record(fay, review, Decision.EARNED, PASSING)
    assert earned.state == "earned"
    assert earned.award_id is not None

    status = await services.status.teacher(ANA)
    assert [(p.credential_code, p.state) for p in status.pursuits] == [("C-ONE", "earned")]
    assert (status.hours, status.points, status.stipend_cents) == (4.0, 6.0, 20000)

    async with services.db.read() as session:
        versions = list(
            await session.scalars(
                select(EvidenceVersion.kind)
                .where(EvidenceVersion.pursuit_id == pursuit)
                .order_by(EvidenceVersion.number)
            )
        )
        trail = list(
            (
                await session.execute(
                    select(AuditEvent.action, AuditEvent.from_state, AuditEvent.to_state)
                    .where(AuditEvent.subject_type == "pursuit", AuditEvent.subject_id == pursuit)
                    .order_by(AuditEvent.id)
                )
            ).all()
        )
        award = await session.scalar(select(Award).where(Award.pursuit_id == pursuit))
    assert versions == ["draft", "formal", "formal"]  # every version kept
    moves = [(a, f, t) for a, f, t in trail if t is not None]
    assert moves == [
        ("choose", None, "proposed"),
        ("start_planning", "proposed", "planning"),
        ("start_work", "planning", "in_progress"),
        ("send_draft", "in_progress", "draft_with_facilitator"),
        ("return_draft", "draft_with_facilitator", "in_progress"),
        ("submit", "in_progress", "submitted"),
        ("start_review", "submitted", "under_review"),
        ("not_yet", "under_review", "not_yet"),
        ("submit", "not_yet", "submitted"),
        ("start_review", "submitted", "under_review"),
        ("award", "under_review", "earned"),
    ]
    assert award is not None
    assert award.stipend_status == "owed"
