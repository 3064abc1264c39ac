"""Each operation's rules as a teacher, facilitator or admin meets them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coachbot.composition import Services
from coachbot.domain.catalog import PartKind
from coachbot.domain.errors import (
    InvalidInput,
    NotFound,
    NotPermitted,
    OwnWork,
    PreconditionFailed,
)
from coachbot.domain.evidence import EvidenceKind, EvidencePart
from coachbot.domain.journey import Move
from coachbot.domain.planning import Milestone
from coachbot.domain.roles import Role
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.models import (
    Award,
    Completion,
    MilestoneRow,
    Person,
    RoleGrantRow,
    WorkPlan,
)
from tests.helpers import (
    ANA,
    BELOW,
    BEN,
    CARA,
    DEE,
    FAY,
    GIL,
    PASSING,
    SAM,
    actor,
    c_one_evidence,
    earn,
    earn_with,
    planned,
    submitted,
    under_review,
)


async def test_credentials_that_need_preapproval_cannot_be_planned_before(
    district: Services,
) -> None:
    ana = await actor(district, ANA)
    chosen = await district.choosing.choose(ana, "c-approve")  # codes are case-insensitive
    assert chosen.needs_approval
    with pytest.raises(PreconditionFailed) as caught:
        await district.journey.move(ana, chosen.pursuit_id, Move.START_PLANNING)
    assert caught.value.params["need"] == "approval"
    await district.journey.move(ana, chosen.pursuit_id, Move.REQUEST_APPROVAL)
    sam = await actor(district, SAM)
    sent_back = await district.journey.move(
        sam, chosen.pursuit_id, Move.SEND_BACK, reason="Tie it to the school goal"
    )
    assert sent_back.to_state == "sent_back"
    await district.journey.move(ana, chosen.pursuit_id, Move.REQUEST_APPROVAL)
    await district.journey.move(sam, chosen.pursuit_id, Move.APPROVE)
    planning = await district.journey.move(ana, chosen.pursuit_id, Move.START_PLANNING)
    assert planning.to_state == "planning"


async def test_a_principal_of_another_school_cannot_approve(district: Services) -> None:
    cara = await actor(district, CARA)  # South; Sam is North's principal
    chosen = await district.choosing.choose(cara, "C-APPROVE")
    await district.journey.move(cara, chosen.pursuit_id, Move.REQUEST_APPROVAL)
    with pytest.raises(NotPermitted):
        await district.journey.move(await actor(district, SAM), chosen.pursuit_id, Move.APPROVE)


async def test_unknown_credential_is_not_found(district: Services) -> None:
    with pytest.raises(NotFound) as caught:
        await district.choosing.choose(await actor(district, ANA), "NOPE")
    assert caught.value.params == {"what": "credential", "key": "NOPE"}


async def test_only_teachers_choose_credentials(district: Services) -> None:
    with pytest.raises(NotPermitted):
        await district.choosing.choose(await actor(district, DEE), "C-ONE")


async def test_a_plan_must_fit_the_submission_window(district: Services) -> None:
    pursuit = await planned(district)
    ana = await actor(district, ANA)
    with pytest.raises(InvalidInput) as caught:
        await district.planning.save_plan(
            ana, pursuit, date(2027, 6, 30), [Milestone("Submit", date(2027, 6, 30))]
        )
    assert caught.value.params["hint"] == "outside_window"
    assert caught.value.params["closes"] == "2027-05-28"


async def test_only_the_teacher_edits_their_plan(district: Services) -> None:
    pursuit = await planned(district)
    today = district.clock.now().date()
    with pytest.raises(NotPermitted):
        await district.planning.save_plan(
            await actor(district, FAY),
            pursuit,
            today + timedelta(days=9),
            [Milestone("Mine now", today + timedelta(days=9))],
        )


async def test_replanning_keeps_milestones_already_done(district: Services) -> None:
    pursuit = await planned(district)
    ana = await actor(district, ANA)
    before = await district.status.teacher(ANA)
    assert before.pursuits[0].next_milestone == "Plan the lesson"

    async with district.db.read() as session:
        first = await session.scalar(
            select(MilestoneRow.id)
            .join(WorkPlan)
            .where(WorkPlan.pursuit_id == pursuit)
            .order_by(MilestoneRow.position)
        )
    assert await district.planning.complete_milestone(ana, first or 0) is True
    assert await district.planning.complete_milestone(ana, first or 0) is False
    today = district.clock.now().date()
    await district.planning.save_plan(
        ana, pursuit, today + timedelta(days=50), [Milestone("Record", today + timedelta(days=30))]
    )
    after = await district.status.teacher(ANA)
    assert after.pursuits[0].next_milestone == "Record"
    async with district.db.read() as session:
        titles = list(
            await session.scalars(
                select(MilestoneRow.title)
                .join(WorkPlan)
                .where(WorkPlan.pursuit_id == pursuit)
                .order_by(MilestoneRow.position)
            )
        )
    assert titles == ["Plan the lesson", "Record"]


async def test_work_cannot_start_without_a_plan(district: Services) -> None:
    ana = await actor(district, ANA)
    chosen = await district.choosing.choose(ana, "C-TWO")
    await district.journey.move(ana, chosen.pursuit_id, Move.START_PLANNING)
    with pytest.raises(PreconditionFailed) as caught:
        await district.journey.move(ana, chosen.pursuit_id, Move.START_WORK)
    assert caught.value.params["need"] == "plan"


async def test_formal_submission_only_inside_the_window(district: Services) -> None:
    pursuit = await planned(district)
    ana = await actor(district, ANA)
    await district.journey.move(ana, pursuit, Move.START_WORK)
    district.clock.advance(timedelta(days=300))  # past 2027-05-28
    with pytest.raises(PreconditionFailed) as caught:
        await district.evidence.hand_in(ana, pursuit, EvidenceKind.FORMAL, c_one_evidence())
    assert caught.value.params == {
        "need": "window_open",
        "opens": "2026-09-01",
        "closes": "2027-05-28",
    }
    draft = await district.evidence.hand_in(ana, pursuit, EvidenceKind.DRAFT, c_one_evidence())
    assert draft.state == "draft_with_facilitator"  # drafts are welcome any time


async def test_after_the_resubmission_limit_a_meeting_is_offered(district: Services) -> None:
    pursuit, review = await under_review(district)
    ana, fay, dee = [await actor(district, e) for e in (ANA, FAY, DEE)]
    for attempt in range(2, 4):
        await district.reviews.record(fay, review, Decision.NOT_YET, BELOW, feedback="Again")
        await district.evidence.hand_in(ana, pursuit, EvidenceKind.FORMAL, c_one_evidence(attempt))
        review = await district.reviews.assign(dee, pursuit, fay.person_id or 0)
    await district.reviews.record(fay, review, Decision.NOT_YET, BELOW, feedback="Again")
    with pytest.raises(PreconditionFailed) as caught:
        await district.evidence.hand_in(ana, pursuit, EvidenceKind.FORMAL, c_one_evidence(9))
    assert caught.value.params == {"need": "meet_facilitator", "limit": 3}


async def test_evidence_never_goes_to_the_teacher_or_a_non_facilitator(
    district: Services,
) -> None:
    pursuit = await submitted(district, FAY)  # a facilitator pursuing a credential herself
    dee = await actor(district, DEE)
    async with district.db.read() as session:
        ids = dict((await session.execute(select(Person.email, Person.id))).all())
    with pytest.raises(OwnWork):
        await district.reviews.assign(dee, pursuit, ids[FAY])
    with pytest.raises(NotPermitted):
        await district.reviews.assign(dee, pursuit, ids[BEN])
    assert await district.reviews.assign(dee, pursuit, ids[GIL]) > 0


async def test_only_the_assigned_reviewer_decides(district: Services) -> None:
    _, review = await under_review(district, reviewer=FAY)
    with pytest.raises(NotPermitted):
        await district.reviews.record(await actor(district, GIL), review, Decision.EARNED, PASSING)


async def test_earned_needs_every_criterion_at_the_passing_level(district: Services) -> None:
    _, review = await under_review(district)
    with pytest.raises(InvalidInput) as caught:
        await district.reviews.record(await actor(district, FAY), review, Decision.EARNED, BELOW)
    assert caught.value.params["criteria"] == ["Question design"]


async def test_not_yet_needs_feedback(district: Services) -> None:
    _, review = await under_review(district)
    with pytest.raises(InvalidInput) as caught:
        await district.reviews.record(await actor(district, FAY), review, Decision.NOT_YET, BELOW)
    assert caught.value.params["hint"] == "feedback_needed"


async def test_stipends_stop_at_the_budget_and_are_flagged(district: Services) -> None:
    # The test district budgets $400: two $200 stipends fit, the third is over budget.
    for email in (ANA, BEN, CARA):
        await earn(district, email, reviewer=FAY if email != FAY else GIL)
    async with district.db.read() as session:
        awards = list(
            (
                await session.execute(
                    select(Award.stipend_cents, Award.stipend_status).order_by(Award.id)
                )
            ).all()
        )
    assert [tuple(a) for a in awards] == [(20000, "owed"), (20000, "owed"), (0, "over_budget")]


async def test_a_credential_override_changes_its_currency(district: Services) -> None:
    ana, sam, fay, dee = [await actor(district, e) for e in (ANA, SAM, FAY, DEE)]
    chosen = await district.choosing.choose(ana, "C-APPROVE")
    await district.journey.move(ana, chosen.pursuit_id, Move.REQUEST_APPROVAL)
    await district.journey.move(sam, chosen.pursuit_id, Move.APPROVE)
    await district.journey.move(ana, chosen.pursuit_id, Move.START_PLANNING)
    today = district.clock.now().date()
    await district.planning.save_plan(
        ana,
        chosen.pursuit_id,
        today + timedelta(days=30),
        [Milestone("Submit", today + timedelta(days=30))],
    )
    await district.journey.move(ana, chosen.pursuit_id, Move.START_WORK)

    part = c_one_evidence()[0]
    unit = EvidencePart(
        "Unit plan",
        PartKind.FILE,
        file_name="unit.pdf",
        file_size=part.file_size,
        content_hash=part.content_hash,
        content=part.content,
    )
    await district.evidence.hand_in(ana, chosen.pursuit_id, EvidenceKind.FORMAL, [unit])
    review = await district.reviews.assign(dee, chosen.pursuit_id, fay.person_id or 0)
    await district.reviews.record(fay, review, Decision.EARNED, {"Authenticity": "Proficient"})
    status = await district.status.teacher(ANA)
    assert (status.hours, status.points) == (8.0, 0.0)


async def test_completing_the_facilitator_pathway_grants_the_role(district: Services) -> None:
    ben = await actor(district, BEN)
    reflection = EvidencePart("Reflection", PartKind.TEXT, text="I mostly listened.")
    await earn_with(district, BEN, "C-COACH", [reflection], {"Listening": "Proficient"})
    ben_now = await actor(district, BEN)
    assert ben_now.has_role(Role.FACILITATOR, anywhere=True)
    async with district.db.read() as session:
        kinds = list(await session.scalars(select(Completion.kind)))
        grants = list(
            await session.scalars(
                select(RoleGrantRow.role).where(RoleGrantRow.person_id == ben.person_id)
            )
        )
    assert kinds == ["pathway"]
    assert sorted(grants) == ["facilitator", "teacher"]


async def test_earning_both_discourse_credentials_completes_the_stack(district: Services) -> None:
    await earn(district)
    await earn_with(
        district,
        ANA,
        "C-TWO",
        [EvidencePart("Reflection", PartKind.TEXT, text="The data changed my plan.")],
        {"Adjustment": "Proficient"},
    )
    async with district.db.read() as session:
        done = sorted(await session.scalars(select(Completion.kind)))
    # C-ONE + C-TWO complete the stack, and the endorsement (prerequisite C-ONE + one practice)
    assert done == ["pathway", "stack"]
    status = await district.status.teacher(ANA)
    assert status.cpd_units == 1  # one CPD unit per two credentials


async def test_cohorts_are_for_admins_and_list_progress(district: Services) -> None:
    dee, ana = await actor(district, DEE), await actor(district, ANA)
    with pytest.raises(NotPermitted):
        await district.cohorts.create(ana, "Mine", date(2026, 9, 1), date(2026, 12, 1))
    cohort = await district.cohorts.create(dee, "Fall", date(2026, 9, 1), date(2026, 12, 1))
    with pytest.raises(PreconditionFailed):
        await district.cohorts.create(dee, "Fall", date(2026, 9, 1), date(2026, 12, 1))
    assert await district.cohorts.add_member(dee, cohort, ANA, Role.TEACHER) is True
    assert await district.cohorts.add_member(dee, cohort, ANA, Role.TEACHER) is False
    with pytest.raises(PreconditionFailed):
        await district.cohorts.add_member(dee, cohort, ANA, Role.FACILITATOR)
    await district.cohorts.add_member(dee, cohort, FAY, Role.FACILITATOR)
    await earn(district)
    progress = await district.status.cohort(cohort, district.clock.now())
    assert (progress.members, progress.earned, progress.by_state) == (1, 1, {"earned": 1})
    assert (progress.fiscal_year, progress.stipends.owed_cents) == ("2026-27", 20000)
    assert (progress.stipend_budget_cents, progress.stipend_budget_left_cents) == (40000, 20000)
