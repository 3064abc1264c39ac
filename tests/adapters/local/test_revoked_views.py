"""After a revocation, as people read it in the terminal (issues 14/15): a committee member
voting on a request whose salary step was undone is told so, with the dates; the teacher's
status (in chat and at the command line) keeps the undone pathway in sight, dated in the
district's zone; a revoked credential has no next milestone; stipends approved in chat
point to the chat's way of recording the batch."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner

from coachbot.cli.main import app, plug_in_adapters
from coachbot.composition import Services
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.helpers import ANA, DEE, earn
from tests.services.awards.test_undoing import PATHWAY, _approved, _revoke

UNDONE = (
    "completed, then undone on September 8, 2026: C-ONE (Questioning for Discourse) was"
    " revoked (awarded in error). It no longer counts."
)


async def _undone(district: Services) -> None:
    """Ana's pathway and its salary step, granted by the committee, then undone."""
    await _approved(district)
    await onboarded(district, ANA, DEE)
    await _revoke(district, "C-ONE")


async def _status_at_the_shell(district: Services, email: str) -> str:
    plug_in_adapters()
    env = {"COACHBOT_DATABASE_URL": district.settings.database_url,
           "COACHBOT_LOG_LEVEL": "WARNING"}  # fmt: skip
    result = await asyncio.to_thread(
        CliRunner().invoke, app, ["status", "--teacher", email], env=env
    )
    assert result.exit_code == 0, result.output
    return result.output


async def test_a_vote_on_a_request_whose_salary_step_was_undone_says_so(
    district: Services,
) -> None:
    await _undone(district)
    text = await session(district, DEE, ["vote 1 yes", "/quit"])
    assert (
        "Request 1 was approved on September 8, 2026; its salary step (+5%) was undone on"
        " September 8, 2026 because C-ONE (Questioning for Discourse) was revoked"
        " (awarded in error)." in text
    )
    assert "already decided" not in text


async def test_the_teachers_status_keeps_the_undone_pathway_in_sight(district: Services) -> None:
    await _undone(district)
    text = await session(district, ANA, ["status", "/quit"])
    assert f"The pathway *{PATHWAY}* (with its salary step +5%): {UNDONE}" in text
    shell = await _status_at_the_shell(district, ANA)
    assert f"The pathway {PATHWAY} (with its salary step +5%): {UNDONE}" in shell


async def test_a_revoked_credential_at_the_shell_has_no_next_step_and_the_districts_day(
    district: Services,
) -> None:
    await _undone(district)
    shell = await _status_at_the_shell(district, ANA)
    revoked = next(line for line in shell.splitlines() if line.startswith("C-ONE "))
    assert "Earned, then revoked" in revoked and revoked.rstrip().endswith("-")
    assert "C-ONE was revoked on 2026-09-08 " in shell and " UTC" not in shell
    assert "the teacher can ask the district admin" in shell


async def test_stipends_approved_in_chat_point_to_the_chats_pay_command(
    district: Services,
) -> None:
    await earn(district, ANA)
    await onboarded(district, DEE)
    text = await session(district, DEE, ["stipends approve 2026-27", "/quit"])
    assert "record the batch: stipends pay 2026-27 batch REF." in text
    assert "--batch" not in text
