"""A district admin's mistyped ``stipends`` and ``ledger`` words get the answer they need (a
trial: ``stipends recoverd 75`` said '"75" isn't a fiscal year I know', ``ledger 2026-27 pdf``
said the year was unknown, and recording a recovery twice said no stipend waited)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.storage.models import LedgerEntry
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.helpers import ANA, BEN, DEE, credential_link, earn


def _flat(text: str) -> str:
    return " ".join(text.replace("*", "").split())


async def test_a_mistyped_stipends_word_gets_the_usage_and_a_guess(district: Services) -> None:
    dee = LocalDriver(district).as_(DEE)
    said = _flat(await dee.command("stipends", "recoverd 75"))
    assert "Did you mean stipends recovered 75?" in said and "fiscal year" not in said
    said = _flat(await dee.command("stipends", "aprove 2026-27"))
    assert "Did you mean stipends approve 2026-27?" in said
    said = _flat(await dee.command("stipends", "frobnicate 2026-27"))
    assert '"frobnicate" isn\'t something stipends does.' in said and "Did you mean" not in said
    assert "stipends recovered ENTRY" in said  # the usage line
    # The terminal reads the same.
    await onboarded(district, DEE)
    screen = _flat(await session(district, DEE, ["stipends recoverd 75"]))
    assert "Did you mean stipends recovered 75?" in screen


async def test_a_format_not_offered_is_named_and_the_year_is_fine(district: Services) -> None:
    dee = LocalDriver(district).as_(DEE)
    for typed in ("2026-27 pdf", "pdf 2026-27", "FY 27 pdf"):
        said = _flat(await dee.command("ledger", typed))
        assert '2026-27 is a fiscal year I know, but "pdf" isn\'t a format I can write' in said
        assert "ledger 2026-27 xlsx" in said and "isn't a fiscal year" not in said
    said = _flat(await dee.command("ledger", "2026 pdf"))
    assert "isn't a fiscal year I know" in said  # neither is fine: the year is asked for


async def test_recording_a_recovery_twice_says_when_it_was_recorded(district: Services) -> None:
    for email in (ANA, BEN):
        await earn(district, email)
    dee = LocalDriver(district).as_(DEE)
    await dee.command("stipends", "approve 2026-27")
    await dee.command("stipends", "pay 2026-27 batch PAY-2027-01")
    await district.credentials.revoke(await credential_link(district, ANA), "copied")
    async with district.db.read() as s:
        entry = await s.scalar(select(LedgerEntry.id).where(LedgerEntry.pay_state == "to_recover"))
    recorded_on = district.clock.now().astimezone(ZoneInfo("America/Chicago")).date()
    said = _flat(await dee.command("stipends", f"recovered {entry} REC-2027-02"))
    assert "Recorded: $200 paid in batch PAY-2027-01 is recovered" in said

    district.clock.set(district.clock.now() + timedelta(days=3))
    said = _flat(await dee.command("stipends", f"recovered {entry}"))
    day = f"{recorded_on:%A}, {recorded_on:%B} {recorded_on.day}, {recorded_on.year}"
    assert f"Entry {entry} was already recorded as recovered on {day}" in said, said
    assert "(recovery reference REC-2027-02)" in said and "Nothing changed." in said
    assert "No paid stipend waits" not in said
    # An entry that is no paid stipend at all still says so.
    said = _flat(await dee.command("stipends", "recovered 1"))
    assert "No paid stipend waits to be recovered under entry 1:" in said
