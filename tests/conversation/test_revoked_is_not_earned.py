"""A revoked credential never shows as earned: the teacher's *status*, the admin's
``coachbot status --teacher`` table and *badge N* all say it was revoked, when and why, and
the badge gives no wallet or LinkedIn steps for it (a tester saw "Earned" after revoking)."""

from __future__ import annotations

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.cli.runner import plain_text
from coachbot.composition import Services
from coachbot.conversation.handlers.credentials import REVOKE
from coachbot.storage.models import IssuedCredential
from tests.helpers import ANA, DEE, earn


async def _revoke(district: Services, room: LocalDriver) -> None:
    async with district.db.read() as session:
        row = (await session.scalars(select(IssuedCredential))).one()
    await room.as_(DEE).command("revoke", f"{row.public_id} awarded in error")
    assert "Revoked:" in await room.as_(DEE).press(REVOKE.id)


async def test_status_and_badge_say_revoked_not_earned(district: Services) -> None:
    await earn(district, ANA)
    room = LocalDriver(district)
    before = await room.as_(ANA).command("status")
    assert "*Questioning for Discourse*: Earned" in before
    assert "LinkedIn" in await room.as_(ANA).command("badge", "1")

    await _revoke(district, room)

    said = await room.as_(ANA).command("status")
    assert "*Questioning for Discourse*: Earned, then revoked on Tuesday, September 8 at " in said
    assert "(awarded in error). It no longer counts" in said
    assert ": Earned\n" not in said and not said.rstrip().endswith(": Earned")
    badge = await room.as_(ANA).command("badge", "1")
    assert "was revoked on" in badge and "(awarded in error)" in badge
    assert "nothing to add to a wallet or LinkedIn" in badge
    assert "Licenses & certifications" not in badge and "badge image" not in badge
    # Her home still opens (a revoked line is no open work) and counts nothing earned.
    assert "Traceback" not in await room.as_(ANA).command("hello")


async def test_the_cli_teacher_table_says_revoked(district: Services) -> None:
    await earn(district, ANA)
    await _revoke(district, LocalDriver(district))
    mine = await district.status.teacher(ANA)
    totals = await district.ledger.totals(mine.person_id)
    out = plain_text(district.prompts.render("cli.j2", "teacher_status", p={
        "status": mine, "totals": totals,
    }))  # fmt: skip
    line = next(x for x in out.splitlines() if "Questioning for Discourse" in x)
    assert "Earned, then revoked" in line
    assert "was revoked on " in out and ": awarded in error. It no longer counts." in out


async def test_the_district_overview_counts_it_revoked(district: Services) -> None:
    await earn(district, ANA)
    assert ("(no cohort)", "earned", 1) in await district.status.district_overview()
    await _revoke(district, LocalDriver(district))
    rows = await district.status.district_overview()
    assert ("(no cohort)", "revoked", 1) in rows
    assert not [row for row in rows if row[1] == "earned"]
    out = plain_text(district.prompts.render("cli.j2", "district_overview", p={"rows": rows}))
    assert "Earned, then revoked" in out
