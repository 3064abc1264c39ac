"""A terminal opened beside a Slack deployment (an admin's `coachbot chat` on the server) never
holds the news of people Slack reaches: it stays in the outbox for Slack's dispatcher, instead of
waiting for a terminal chat those people will never open. Without a linked workspace (the demo,
whose roster has Slack ids too) the terminal keeps reaching everyone, as
tests/adapters/local/test_terminal_notices.py shows."""

from __future__ import annotations

from sqlalchemy import select

from coachbot.composition import Services
from coachbot.domain.nudges import NudgeKind
from coachbot.services.nudging import Dispatcher, Outgoing
from coachbot.storage.models import NudgeRow, Person, PlatformAccount, WorkspaceLink
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.adapters.local.test_trial_five import _one_earned
from tests.helpers import ANA, DEE, planned


async def slack_installed(district: Services, email: str) -> int:
    """The district's Slack workspace is linked (as `coachbot slack link` does); ``email``
    has a Slack id on the roster. Returns their person id."""
    async with district.db.write() as db:
        person = (await db.scalars(select(Person).where(Person.email == email))).one()
        accounts = await db.scalars(
            select(PlatformAccount.platform).where(PlatformAccount.person_id == person.id)
        )
        assert "slack" in list(accounts)
        db.add(WorkspaceLink(platform="slack", workspace_id="T0TESTVILLE",
                             district_id=person.district_id, linked_at=district.clock.now()))
        return person.id


async def slack_sends(district: Services) -> list[Outgoing]:
    """One pass of Slack's dispatcher (its own people, and those it finds by email)."""
    sent: list[Outgoing] = []

    async def send(nudge: Outgoing) -> str:
        sent.append(nudge)
        return f"slack-ts-{len(sent)}"

    await Dispatcher(
        district.db, district.clock, send, platform="slack", unlinked=True
    ).run_once()
    return sent


async def test_a_revocation_typed_in_a_terminal_reaches_the_teacher_on_slack(
    district: Services,
) -> None:
    public_id = await _one_earned(district)
    ana = await slack_installed(district, ANA)
    dee = await session(
        district, DEE, [f"revoke {public_id} awarded in error", "yes", "/quit"]
    )
    assert "Revoked: *Questioning for Discourse* (Ana Teacher)" in dee
    async with district.db.read() as db:
        notice = (await db.scalars(select(NudgeRow).where(
            NudgeRow.kind == NudgeKind.CREDENTIAL_REVOKED.value))).one()  # fmt: skip
    assert notice.status == "pending"  # not waiting for a terminal chat Ana never opens
    assert [n.person_id for n in await slack_sends(district) if n.kind == notice.kind] == [ana]


async def test_a_help_request_typed_in_a_terminal_reaches_the_admin_on_slack(
    district: Services,
) -> None:
    await onboarded(district, ANA)
    await planned(district, ANA)
    # Ana's work is in no cohort, so her district admins hear it: Dee, on Slack.
    dee = await slack_installed(district, DEE)
    district.clock.set(district.clock.now().replace(hour=15))  # 10:00 in Chicago: not quiet
    ana = await session(district, ANA, ["helpme I can't film my class this week", "/quit"])
    assert "Traceback" not in ana
    sent = await slack_sends(district)
    assert [n.person_id for n in sent] == [dee]
    (block,) = sent[0].params["reply"]["blocks"]
    assert "I can't film my class this week" in block["markup"]
