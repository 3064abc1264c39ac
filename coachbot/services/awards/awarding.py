"""Awards: what an earned credential credits, and the stacks and pathways it completes."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coachbot.clock import Clock
from coachbot.domain.catalog import OutcomeKind, Pathway, PathwayArea, Stack
from coachbot.domain.currency import StipendStatus, credit_for_award
from coachbot.domain.roles import Actor, Role
from coachbot.services.credentials.issuing import CredentialIssuer
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
    RoleGrantRow,
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
    district = (
        await session.execute(
            select(District).where(District.id == pursuit.district_id).with_for_update()
        )
    ).scalar_one()
    policy = policy_from_json(district.policy)
    currency = currency_from_json(credential.currency) if credential.currency else policy.currency
    earned_before = (
        await session.scalar(
            select(func.count())
            .select_from(Award)
            .where(Award.teacher_id == pursuit.teacher_id, Award.revoked_at.is_(None))
        )
        or 0
    )
    committed = (
        await session.scalar(
            select(func.coalesce(func.sum(Award.stipend_cents), 0)).where(
                Award.district_id == district.id,
                Award.stipend_status == StipendStatus.OWED.value,
                Award.revoked_at.is_(None),
            )
        )
        or 0
    )
    credit = credit_for_award(
        currency,
        earned_before=earned_before,
        stipend_budget_cents=policy.stipend_budget_cents,
        stipend_committed_cents=committed,
    )
    now = clock.now()
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
        },
    )
    await record_completions(session, clock, pursuit.teacher_id, district.id, credential.id)
    return award.id


async def _earned_codes(session: AsyncSession, teacher_id: int) -> set[str]:
    rows = await session.scalars(
        select(CredentialRow.code)
        .join(Award, Award.credential_id == CredentialRow.id)
        .where(Award.teacher_id == teacher_id, Award.revoked_at.is_(None))
    )
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
    earned = await _earned_codes(session, teacher_id)
    done = set(
        (
            await session.execute(
                select(Completion.kind, Completion.subject_id).where(
                    Completion.teacher_id == teacher_id
                )
            )
        ).all()
    )
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
            session.add(
                Completion(
                    teacher_id=teacher_id,
                    kind="stack",
                    subject_id=stack.id,
                    completed_at=now,
                    outcome=None,
                )
            )
            completed.append(f"stack:{stack.code}")
    for row in await session.scalars(
        select(PathwayRow).where(PathwayRow.district_id == district_id)
    ):
        if ("pathway", row.id) in done:
            continue
        pathway = await _pathway(session, row)
        if pathway.progress(earned).complete:
            session.add(
                Completion(
                    teacher_id=teacher_id,
                    kind="pathway",
                    subject_id=row.id,
                    completed_at=now,
                    outcome=row.outcome,
                )
            )
            completed.append(f"pathway:{row.code}")
            if (
                pathway.outcome.kind is OutcomeKind.ROLE
                and not pathway.outcome.needs_committee_review
            ):
                await _grant_role(session, teacher_id, Role(pathway.outcome.value))
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


async def _pathway(session: AsyncSession, row: PathwayRow) -> Pathway:
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


async def _grant_role(session: AsyncSession, person_id: int, role: Role) -> None:
    person = await session.get(Person, person_id)
    assert person is not None
    if not any(g.role == role.value and g.school_id is None for g in person.grants):
        session.add(RoleGrantRow(person_id=person_id, role=role.value, school_id=None))
