"""A teacher asks "why was my credential revoked?" and reads the revocation (which one, when in
her own zone, the reason, whom to ask), not the rules of her last reminder. With nothing
revoked she is told so kindly, then gets the usual answer."""

from __future__ import annotations

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.conversation.handlers.credentials import REVOKE
from coachbot.storage.models import IssuedCredential
from tests.helpers import ANA, BEN, DEE, earn


async def test_a_teacher_asks_why_her_credential_was_revoked(district: Services) -> None:
    await earn(district, ANA)
    room = LocalDriver(district)
    before = await room.as_(ANA).say("why was my credential revoked?")
    assert "none of your credentials has been revoked" in before
    assert "I only write between" in before  # the usual answer follows
    async with district.db.read() as session:
        row = (await session.scalars(select(IssuedCredential))).one()
    await room.as_(DEE).command("revoke", f"{row.public_id} awarded in error")
    await room.as_(DEE).press(REVOKE.id)

    said = await room.as_(ANA).say("why was my credential revoked?")
    assert "Your credential was revoked by your district" in said
    assert "*Questioning for Discourse*, earned September 8, 2026" in said
    assert "revoked on Tuesday, September 8 at 9:00 AM CDT (awarded in error)" in said
    assert "ask your district admin" in said
    assert "I only write between" not in said and "My last reminder" not in said
    taken = await room.as_(ANA).say("why was my badge taken away")
    assert "(awarded in error)" in taken
    # Other "why" questions still get the reminder answer; nobody else reads her reason.
    assert "I only write between" in await room.as_(ANA).say("why did you message me?")
    other = await room.as_(BEN).say("why revoked")
    assert "awarded in error" not in other and "none of your credentials" in other
