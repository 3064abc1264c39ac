"""What the revoke question shows before the yes is exactly what the yes then undoes (a trial
admin learned a stipend had been paid only after confirming, and nothing said a pathway's
salary step would go too). The preview is a dry run sharing the revocation's own decision;
each scenario revokes after previewing and compares the two on the record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.domain.errors import NotFound
from coachbot.domain.roles import Actor
from coachbot.services.awards.revoke_preview import RevokePreview
from coachbot.services.ledger.undone import completion_title
from coachbot.storage.models import CommitteeRequest, Completion, IssuedCredential, LedgerEntry
from tests.adapters.local.test_approvals_chat import onboarded
from tests.helpers import ANA, BEN, DEE, actor, credential_link, earn
from tests.services.awards.test_undoing import PATHWAY, _approved
from tests.services.ledger.test_committees import _endorsed


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
    await district.credentials.revoke(public_id, "awarded in error", by=dee)
    assert await _done(district, public_id) == _shown(preview)
    # Once revoked, there is nothing more to undo.
    assert _shown(await district.revoke_previews.of(dee, public_id))["undone"] == set()


async def test_another_districts_credential_has_no_preview(district: Services) -> None:
    await earn(district, ANA)
    public_id = await credential_link(district, ANA, "C-ONE")
    stranger = Actor(person_id=999_999, district_id=999_999)
    with pytest.raises(NotFound):
        await district.revoke_previews.of(stranger, public_id)
