"""What the revoke question shows before the yes is exactly what the yes then undoes (a trial
admin learned a stipend had been paid only after confirming, and nothing said a pathway's
salary step would go too). The preview is a dry run sharing the revocation's own decision;
each scenario revokes after previewing and compares the two on the record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.conversation.handlers.credentials import REVOKE
from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Actor, Role
from coachbot.importing.catalog_reader import read_catalog
from coachbot.services.awards.revoke_preview import RevokePreview
from coachbot.services.awards.roles_undone import KEPT, REMOVED
from coachbot.services.awards.undoing import undid_in
from coachbot.services.ledger.undone import completion_title
from coachbot.storage.models import CommitteeRequest, Completion, IssuedCredential, LedgerEntry
from tests.adapters.local.test_approvals_chat import onboarded
from tests.conftest import FIXTURES
from tests.helpers import ANA, BEN, DEE, FAY, GIL, actor, credential_link, earn, earn_with
from tests.services.awards.test_undoing import PATHWAY, _approved
from tests.services.awards.test_undoing_roles import COACH, TWO
from tests.services.ledger.test_committees import _endorsed, _parts


async def _paid(district: Services) -> None:
    """Ana's (and Ben's) stipends approved and paid by payroll in batch PAY-2027-01."""
    for email in (ANA, BEN):
        await earn(district, email)
    await onboarded(district, ANA, DEE)
    dee = LocalDriver(district).as_(DEE)
    await dee.command("stipends", "approve 2026-27")
    await dee.command("stipends", "pay 2026-27 batch PAY-2027-01")


Scenario = Callable[[Services], Awaitable[None]]


def _shown(preview: RevokePreview) -> dict[str, object]:
    return {
        "undone": {(lo.undone.kind, lo.undone.title) for lo in preview.losing},
        "steps": {(lo.undone.title, s) for lo in preview.losing for s in lo.salary_steps},
        "withdrawn": {lo.undone.title for lo in preview.losing if lo.withdrawn},
        "to_recover": [p.cents for p in preview.paid],
    }


async def _done(district: Services, public_id: str) -> dict[str, object]:
    """What the revocation wrote: completions undone, salary steps reversed, committee
    requests withdrawn, paid stipends to recover."""
    async with district.db.read() as session:
        issued = await session.scalar(
            select(IssuedCredential).where(IssuedCredential.public_id == public_id)
        )
        assert issued is not None and issued.revoked_at is not None
        undone = list(
            await session.scalars(select(Completion).where(Completion.undone_at.is_not(None)))
        )
        titles = {c.id: await completion_title(session, c) for c in undone}
        steps = (await session.execute(
            select(LedgerEntry.completion_id, LedgerEntry.detail).where(
                LedgerEntry.reverses_id.is_not(None), LedgerEntry.kind == "salary_step",
                LedgerEntry.completion_id.is_not(None))
        )).all()  # fmt: skip
        withdrawn = set(
            await session.scalars(
                select(CommitteeRequest.pathway_title).where(CommitteeRequest.state == "withdrawn")
            )
        )
    recover = await district.ledger.to_recover(issued.award_id, issued.revoked_at)
    return {
        "undone": {(c.kind, titles[c.id]) for c in undone},
        "steps": {(titles[cid], detail) for cid, detail in steps},
        "withdrawn": withdrawn,
        "to_recover": [r.cents for r in recover],
    }


@pytest.mark.parametrize(
    ("scenario", "undoes"),
    [
        (_approved, {("stack", "Classroom Discourse"), ("pathway", PATHWAY)}),
        (_endorsed, {("stack", "Classroom Discourse"), ("pathway", PATHWAY)}),
        (_paid, set()),
    ],
)
async def test_the_preview_lists_exactly_what_the_revocation_then_undoes(
    district: Services, scenario: Scenario, undoes: set[tuple[str, str]]
) -> None:
    await scenario(district)
    public_id = await credential_link(district, ANA, "C-ONE")
    dee = await actor(district, DEE)
    preview = await district.revoke_previews.of(dee, public_id)
    assert _shown(preview)["undone"] == undoes  # the preview is not empty by accident
    # Previewing changes nothing: asking twice gives the same, and nothing is revoked.
    assert _shown(await district.revoke_previews.of(dee, public_id)) == _shown(preview)
    _, results = await district.credentials.revoke_telling(public_id, "awarded in error", by=dee)
    assert await _done(district, public_id) == _shown(preview)
    assert undid_in(results) == preview.losing  # what the admin is told after the yes, too
    # Once revoked, there is nothing more to undo.
    assert _shown(await district.revoke_previews.of(dee, public_id))["undone"] == set()


async def test_another_districts_credential_has_no_preview(district: Services) -> None:
    await earn(district, ANA)
    public_id = await credential_link(district, ANA, "C-ONE")
    stranger = Actor(person_id=999_999, district_id=999_999)
    with pytest.raises(NotFound):
        await district.revoke_previews.of(stranger, public_id)


async def _coach(district: Services) -> str:
    """Ana is made a facilitator by the Badge Facilitator pathway (C-COACH)."""
    await earn_with(district, ANA, "C-COACH", _parts(), COACH)
    return ANA


async def _rostered(district: Services) -> str:
    """Fay, a facilitator on the roster, completes the pathway too."""
    await earn_with(district, FAY, "C-COACH", _parts(), COACH, reviewer=GIL)
    return FAY


async def _two_pathways(district: Services, tmp_path: Path) -> str:
    """Ana is a facilitator by two pathways; revoking C-COACH leaves the other standing."""
    text = (FIXTURES / "small_catalog.yaml").read_text() + (
        "  - code: P-EXIT\n"
        "    title: Exit Ticket Lead\n"
        "    areas:\n"
        "      - {name: Data, credentials: [C-TWO]}\n"
        "    outcome: {kind: role, value: facilitator}\n"
    )
    (tmp_path / "catalog.yaml").write_text(text)
    await district.catalog.load(read_catalog(tmp_path / "catalog.yaml"))
    await earn_with(district, ANA, "C-COACH", _parts(), COACH)
    await earn_with(district, ANA, "C-TWO", _parts(), TWO)
    return ANA


@pytest.mark.parametrize(
    ("scenario", "fate", "still_facilitator"),
    [("_coach", REMOVED, False), ("_rostered", KEPT, True), ("_two_pathways", KEPT, True)],
)
async def test_the_preview_says_what_happens_to_the_role_and_the_yes_does_it(
    district: Services, tmp_path: Path, scenario: str, fate: str, still_facilitator: bool
) -> None:
    setups = {"_coach": _coach, "_rostered": _rostered}
    if scenario == "_two_pathways":
        email = await _two_pathways(district, tmp_path)
    else:
        email = await setups[scenario](district)
    public_id = await credential_link(district, email, "C-COACH")
    dee = await actor(district, DEE)
    preview = await district.revoke_previews.of(dee, public_id)
    assert [(lo.undone.title, lo.role, lo.role_fate) for lo in preview.losing] == [
        ("Badge Facilitator", "facilitator", fate)
    ]
    _, results = await district.credentials.revoke_telling(public_id, "awarded in error", by=dee)
    assert undid_in(results) == preview.losing
    held = (await actor(district, email)).has_role(Role.FACILITATOR, anywhere=True)
    assert held is still_facilitator


async def test_the_admin_reads_the_role_before_and_after_the_yes(district: Services) -> None:
    await _coach(district)
    room = LocalDriver(district)
    link = await credential_link(district, ANA, "C-COACH")
    asked = await room.as_(DEE).command("revoke", f"{link} awarded in error")
    assert (
        "- the pathway *Badge Facilitator*: Ana Teacher is no longer a facilitator (a role the"
        " pathway gave)" in asked
    )
    done = await room.as_(DEE).press(REVOKE.id)
    assert (
        "- the pathway *Badge Facilitator*: Ana Teacher was no longer a facilitator" not in done
    )
    assert "Ana Teacher is no longer a facilitator (a role the pathway gave)" in done
