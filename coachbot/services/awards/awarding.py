"""Awards: what an earned credential credits, and the stacks and pathways it completes."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.catalog import Pathway, PathwayArea, Stack
from coachbot.domain.currency import credit_for_award
from coachbot.domain.policy import DistrictPolicy
from coachbot.domain.roles import Actor
from coachbot.services.credentials.issuing import CredentialIssuer
from coachbot.services.ledger.committees import open_request
from coachbot.services.ledger.entries import (
    award_entries,
    lock_district,
    room_for_stipend,
    year_of,
)
from coachbot.services.ledger.outcomes import grant_outcome
from coachbot.services.record import audit
from coachbot.storage.codec import currency_from_json, outcome_from_json, policy_from_json
from coachbot.storage.models import (
    Award,
    Completion,
    CredentialRow,
    District,
    PathwayAreaCredential,
    PathwayRow,
    Person,
    Pursuit,
    Recognition,
    Review,
    School,
    StackCredential,
    StackRow,
)
from coachbot.storage.models import PathwayArea as PathwayAreaRow


async def grant_award(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    pursuit: Pursuit,
    credential: CredentialRow,
    review: Review,
    *,
    credentials: CredentialIssuer | None = None,
) -> int:
    """Record the award with its credit, and sign its Open Badges credential (when CoachBot
    was built with an issuer, as ``composition.build`` does); runs inside the review's
    transaction, so an award never exists without its credential."""
    # Lock the district row so that two awards at once cannot both spend the last of the budget.
    district = await lock_district(session, pursuit.district_id)
    policy = policy_from_json(district.policy)
    currency = policy.currency_at(
        currency_from_json(credential.currency) if credential.currency else policy.currency,
        await _school_code(session, pursuit.teacher_id),
    )
    now = clock.now()
    year = year_of(policy, now)
    earned_before = (
        await session.scalar(
            select(func.count())
            .select_from(Award)
            .where(Award.teacher_id == pursuit.teacher_id, Award.revoked_at.is_(None))
        )
        or 0
    )
    # The budget is the fiscal year's: this year's stipends count, not every award ever made.
    left, cap_left = await room_for_stipend(session, policy, district.id, pursuit.teacher_id, year)
    credit = credit_for_award(
        currency,
        earned_before=earned_before,
        stipend_budget_cents=policy.stipend_budget_cents,
        stipend_committed_cents=(policy.stipend_budget_cents or 0) - (left or 0),
        stipend_cap_left_cents=cap_left,
    )
    award = Award(
        pursuit_id=pursuit.id,
        district_id=district.id,
        teacher_id=pursuit.teacher_id,
        credential_id=credential.id,
        review_id=review.id,
        awarded_at=now,
        hours=credit.hours,
        points=credit.points,
        stipend_cents=credit.stipend_cents,
        stipend_status=credit.stipend_status.value,
        cpd_units=credit.cpd_units,
        assertion_id=str(uuid.uuid4()),
    )
    session.add(award)
    await session.flush()
    session.add_all(
        award_entries(
            district_id=district.id, teacher_id=pursuit.teacher_id, award_id=award.id,
            credit=credit, graduate_credits=credit.graduate_credits,
            stipend_earned_cents=currency.stipend_cents, year=year, now=now,
        )
    )  # fmt: skip
    if credentials is not None:
        await credentials.issue(session, award)
    audit.on_pursuit(
        session,
        pursuit,
        actor,
        "award",
        at=now,
        details={
            "award": award.id,
            "hours": credit.hours,
            "points": credit.points,
            "stipend_cents": credit.stipend_cents,
            "stipend_status": credit.stipend_status.value,
            "cpd_units": credit.cpd_units,
            "fiscal_year": year,
        },
    )
    await record_completions(session, clock, pursuit.teacher_id, district.id, credential.id)
    return award.id


async def _policy(session: AsyncSession, district_id: int) -> DistrictPolicy:
    district = await session.get(District, district_id)
    assert district is not None
    return policy_from_json(district.policy)


async def _school_code(session: AsyncSession, person_id: int) -> str | None:
    return await session.scalar(
        select(School.code)
        .join(Person, Person.school_id == School.id)
        .where(Person.id == person_id)
    )


async def earned_codes(
    session: AsyncSession, teacher_id: int, *, without: int | None = None
) -> set[str]:
    """The codes the teacher holds: awards not revoked, plus recognitions. ``without``: as if
    that award were revoked too (what revoking it would leave, for its preview)."""
    query = (
        select(CredentialRow.code)
        .join(Award, Award.credential_id == CredentialRow.id)
        .where(Award.teacher_id == teacher_id, Award.revoked_at.is_(None))
    )
    if without is not None:
        query = query.where(Award.id != without)
    rows = await session.scalars(query)
    # Credentials earned elsewhere and recognised here count toward stacks and pathways.
    recognised = await session.scalars(
        select(CredentialRow.code)
        .join(Recognition, Recognition.credential_id == CredentialRow.id)
        .where(Recognition.teacher_id == teacher_id, Recognition.status == "recognised")
    )
    return set(rows) | set(recognised)


async def record_completions(
    session: AsyncSession, clock: Clock, teacher_id: int, district_id: int, credential_id: int
) -> list[str]:
    """Record each stack or pathway this award completes; a role outcome grants the role."""
    earned = await earned_codes(session, teacher_id)
    # Completions that stand are done; one undone (a credential it rested on was revoked)
    # comes back, outcome and all, when it is complete again.
    rows = {
        (c.kind, c.subject_id): c
        for c in await session.scalars(
            select(Completion).where(Completion.teacher_id == teacher_id)
        )
    }
    done = {key for key, c in rows.items() if c.undone_at is None}
    completed: list[str] = []
    now = clock.now()
    system = Actor.system(district_id)
    stacks = await session.scalars(
        select(StackRow)
        .join(StackCredential, StackCredential.stack_id == StackRow.id)
        .where(StackCredential.credential_id == credential_id)
    )
    for stack in stacks:
        codes = await session.scalars(
            select(CredentialRow.code)
            .join(StackCredential, StackCredential.credential_id == CredentialRow.id)
            .where(StackCredential.stack_id == stack.id)
        )
        if ("stack", stack.id) not in done and Stack(
            stack.code, stack.title, tuple(codes)
        ).is_complete(earned):
            _complete(session, rows.get(("stack", stack.id)), Completion(
                teacher_id=teacher_id, kind="stack", subject_id=stack.id, completed_at=now,
                outcome=None,
            ))  # fmt: skip
            completed.append(f"stack:{stack.code}")
    for row in await session.scalars(
        select(PathwayRow).where(PathwayRow.district_id == district_id)
    ):
        if ("pathway", row.id) in done:
            continue
        pathway = await pathway_of(session, row)
        if pathway.progress(earned).complete:
            completion = _complete(session, rows.get(("pathway", row.id)), Completion(
                teacher_id=teacher_id, kind="pathway", subject_id=row.id, completed_at=now,
                outcome=row.outcome,
            ))  # fmt: skip
            await session.flush()
            completed.append(f"pathway:{row.code}")
            # What the pathway brings: granted now, or once its committee's quorum approves.
            policy = await _policy(session, district_id)
            if pathway.outcome.needs_committee_review:
                await open_request(session, now, policy, completion, row, pathway.outcome)
            else:
                await grant_outcome(session, now, policy, completion, pathway.outcome)
    for what in completed:
        kind, code = what.split(":", 1)
        audit.record(
            session,
            at=now,
            actor=system,
            district_id=district_id,
            subject_type="person",
            subject_id=teacher_id,
            action=f"complete_{kind}",
            details={"code": code},
        )
    return completed


def _complete(session: AsyncSession, undone: Completion | None, fresh: Completion) -> Completion:
    """Add ``fresh``, or bring back the undone completion of the same stack or pathway (one
    row each, kept with its ledger history): it counts again from ``fresh``'s moment."""
    if undone is None:
        session.add(fresh)
        return fresh
    undone.undone_at, undone.undone_reason = None, None
    undone.completed_at, undone.outcome = fresh.completed_at, fresh.outcome
    return undone


async def pathway_of(session: AsyncSession, row: PathwayRow) -> Pathway:
    prerequisite = None
    if row.prerequisite_credential_id is not None:
        prerequisite = await session.scalar(
            select(CredentialRow.code).where(CredentialRow.id == row.prerequisite_credential_id)
        )
    areas = []
    for area in await session.scalars(
        select(PathwayAreaRow)
        .where(PathwayAreaRow.pathway_id == row.id)
        .order_by(PathwayAreaRow.position)
    ):
        codes = await session.scalars(
            select(CredentialRow.code)
            .join(PathwayAreaCredential, PathwayAreaCredential.credential_id == CredentialRow.id)
            .where(PathwayAreaCredential.area_id == area.id)
        )
        areas.append(PathwayArea(area.name, tuple(codes), area.required_count))
    return Pathway(row.code, row.title, tuple(areas), outcome_from_json(row.outcome), prerequisite)
