"""Committees: a pathway with committee review grants nothing until its quorum approves; nobody
votes on their own request; "not yet" needs a reason and closes a request that can no longer
pass; the salary rule refuses a step for credentials never pre-approved; and two approvals at
the same moment never spend the same budget twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.domain.catalog import PartKind
from coachbot.domain.errors import CommitteeRefusal
from coachbot.domain.evidence import EvidencePart
from coachbot.importing.catalog_reader import read_catalog
from coachbot.storage.models import CommitteeRequest, LedgerEntry, NudgeRow, RoleGrantRow
from tests.conftest import FIXTURES
from tests.helpers import ANA, BEN, DEE, FAY, REFLECTION, SAM, actor, earn, earn_with

TWO = {"Adjustment": "Proficient"}


def _parts() -> list[EvidencePart]:
    return [EvidencePart("Reflection", PartKind.TEXT, text=REFLECTION)]


async def _catalog(services: Services, tmp_path: Path, policy: str, extra: str = "") -> None:
    text = (FIXTURES / "small_catalog.yaml").read_text()
    text = text.replace("  resubmission_limit: 3\n", "  resubmission_limit: 3\n" + policy, 1)
    text += extra
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    await services.catalog.load(read_catalog(path))


async def _endorsed(services: Services) -> None:
    """Ana earns C-ONE and C-TWO: the micro-endorsement (salary step +5%) is complete."""
    await earn(services, ANA)
    await earn_with(services, ANA, "C-TWO", _parts(), TWO)


async def _salary_steps(services: Services) -> list[tuple[str, float]]:
    async with services.db.read() as session:
        return list(
            (
                await session.execute(
                    select(LedgerEntry.detail, LedgerEntry.quantity).where(
                        LedgerEntry.kind == "salary_step"
                    )
                )
            ).all()
        )


COMMITTEE = f"""  committees:
    - {{name: Salary, members: [{DEE}, {SAM}, {FAY}, {ANA}], quorum: 2}}
"""


async def test_nothing_is_granted_before_the_quorum_approves(
    district: Services, tmp_path: Path
) -> None:
    await _catalog(district, tmp_path, COMMITTEE)
    await _endorsed(district)
    room = LocalDriver(district)
    listed = await room.as_(SAM).command("committee", "")
    assert "Ana Teacher completed *Discourse Micro-endorsement*, for salary step +5%" in listed
    assert "(0 of 2 yes)" in listed
    own = await room.as_(ANA).command("vote", "1 yes")
    assert "You can't vote on your own request" in own
    first = await room.as_(SAM).command("vote", "1 yes")
    assert "1 of 2 yes so far" in first and "Nothing is granted until the quorum" in first
    assert await _salary_steps(district) == []  # committee review: nothing before the vote
    again = await room.as_(SAM).command("vote", "1 yes")
    assert "You've already voted on request 1" in again
    second = await room.as_(DEE).command("vote", "1 yes")
    assert "Approved: with 2 of 2 yes" in second and "(+5%) is granted" in second
    assert await _salary_steps(district) == [("+5%", 1.0)]
    assert "Good news: the Salary committee approved" in room.as_(ANA).last
    # News of a decision, not a reminder: no "Hand in a draft" or "Snooze" under it.
    news = room.as_(ANA).mailbox.replies[-1].text
    assert "Hand in" not in news and "Snooze" not in news and "See my status" in news
    late = await room.as_(FAY).command("vote", "1 not yet too late")
    assert "already decided (approved)" in late
    status = await room.as_(ANA).command("status", "")
    assert "salary step +5%" in status


async def test_not_yet_needs_a_reason_and_closes_what_cannot_pass(
    district: Services, tmp_path: Path
) -> None:
    await _catalog(
        district,
        tmp_path,
        f"""  committees:
    - {{name: Salary, members: [{DEE}, {SAM}], quorum: 2}}
""",
    )
    await _endorsed(district)
    room = LocalDriver(district)
    bare = await room.as_(SAM).command("vote", "1 not yet")
    assert "Please add the reason" in bare
    outsider = await room.as_(FAY).command("vote", "1 yes")
    assert "Only the Salary committee votes on request 1" in outsider
    said = await room.as_(SAM).command("vote", "1 not yet: needs a second observation")
    assert 'closes as "not yet"' in said
    assert 'answer on *Discourse Micro-endorsement* is "not yet": needs a second observation' in (
        room.as_(ANA).last
    )
    assert await _salary_steps(district) == []


async def test_the_salary_rule_refuses_a_step_for_credentials_never_preapproved(
    district: Services, tmp_path: Path
) -> None:
    await _catalog(
        district,
        tmp_path,
        f"""  salary_needs_preapproval: true
  committees:
    - {{name: Salary, members: [{DEE}], quorum: 1}}
""",
    )
    await _endorsed(district)
    said = await LocalDriver(district).as_(DEE).command("vote", "1 yes")
    assert "the salary step can't be granted" in said and "C-TWO was not pre-approved" in said
    assert await _salary_steps(district) == []
    async with district.db.read() as session:
        state = await session.scalar(select(CommitteeRequest.state))
    assert state == "refused"


async def test_a_role_pathway_under_review_grants_the_role_only_at_quorum(
    district: Services, tmp_path: Path
) -> None:
    text = (
        (FIXTURES / "small_catalog.yaml")
        .read_text()
        .replace(
            "outcome: {kind: role, value: facilitator}",
            "outcome: {kind: role, value: facilitator, committee_review: true}",
        )
    )
    (tmp_path / "c.yaml").write_text(text)
    await district.catalog.load(read_catalog(tmp_path / "c.yaml"))
    await earn_with(district, BEN, "C-COACH", _parts(), {"Listening": "Proficient"})
    ben = await actor(district, BEN)

    async def roles() -> set[str]:
        async with district.db.read() as session:
            return set(
                await session.scalars(
                    select(RoleGrantRow.role).where(RoleGrantRow.person_id == ben.person_id)
                )
            )

    assert "facilitator" not in await roles()
    said = await LocalDriver(district).as_(DEE).command("vote", "1 yes")  # the district admins
    assert "is granted" in said
    assert "facilitator" in await roles()


STIPEND_PATHWAY = """  - code: P-STIPEND
    title: Exit Ticket Leader
    areas:
      - {name: Practice, credentials: [C-TWO]}
    outcome: {kind: stipend, value: "$300", committee_review: true}
"""


async def test_two_approvals_at_the_same_moment_never_overspend(
    district: Services, tmp_path: Path
) -> None:
    # $400 this year; each approval grants $300: one fits, the other is told the budget is gone.
    text = (FIXTURES / "small_catalog.yaml").read_text()
    text = text.replace(
        "  resubmission_limit: 3\n",
        f"""  resubmission_limit: 3
  committees:
    - {{name: Stipends, members: [{DEE}, {SAM}], quorum: 1}}
""",
        1,
    )
    text = text.replace(
        "    hours_estimate: 10\n", "    hours_estimate: 10\n    currency: {hours: 2}\n"
    )
    (tmp_path / "c.yaml").write_text(text + STIPEND_PATHWAY)
    await district.catalog.load(read_catalog(tmp_path / "c.yaml"))
    for email in (ANA, BEN):
        await earn_with(district, email, "C-TWO", _parts(), TWO)
    dee, sam = await actor(district, DEE), await actor(district, SAM)
    votes = await asyncio.gather(
        district.committees.vote(dee, 1, True), district.committees.vote(sam, 2, True)
    )
    assert sorted((v.over_budget, v.held_by) for v in votes) == [(False, ""), (True, "budget")]
    async with district.db.read() as session:
        stipends = sorted(
            (await session.execute(
                select(LedgerEntry.pay_state, LedgerEntry.amount_cents)
                .where(LedgerEntry.kind == "stipend")
            )).all()
        )  # fmt: skip
        told = list(await session.scalars(select(NudgeRow.kind)))
    assert [tuple(s) for s in stipends] == [("over_budget", 30000), ("owed", 30000)]
    assert told.count("committee_decided") == 2
    with pytest.raises(CommitteeRefusal):
        await district.committees.vote(dee, 1, True)


async def test_the_teacher_hears_the_committee_decides_not_that_it_is_done(
    district: Services, tmp_path: Path
) -> None:
    await _catalog(district, tmp_path, COMMITTEE)
    await earn(district, ANA)
    room = LocalDriver(district)
    await room.as_(ANA).command("status", "")
    await earn_with(district, ANA, "C-TWO", _parts(), TWO)
    async with district.db.read() as session:
        news = [n for n in await session.scalars(select(NudgeRow)) if n.kind == "feedback_ready"]
    said = district.prompts.render("nudges.j2", news[-1].kind, p=news[-1].params)
    assert "completed the pathway *Discourse Micro-endorsement*: +5%!" in said
    assert "It now goes to the Salary committee, which decides it" in said


async def test_only_committee_members_see_the_districts_budget(district: Services) -> None:
    """A teacher typing *committee* is told they sit on none, and learns nothing of the
    district's money; a district admin (the default committee) sees the year's budget."""
    room = LocalDriver(district)
    told = await room.as_(ANA).command("committee")
    assert "not on any of the district's committees" in told
    assert "Stipends" not in told and "$" not in told
    admin = await room.as_(DEE).command("committee")
    assert "budget left this fiscal year: $400 of $400" in admin
