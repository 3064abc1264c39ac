"""A teacher says `badges` (or `earned`) and reads each credential they earned, with the
link anyone can check it at; revoked ones say so; nobody else's are listed."""

from __future__ import annotations

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.storage.models import IssuedCredential
from tests.helpers import ANA, BEN, earn


async def test_a_teacher_lists_their_credentials_with_links(district: Services) -> None:
    room = LocalDriver(district)
    said = await room.as_(ANA).command("badges")
    assert "You haven't earned a credential yet" in said
    await earn(district, ANA)
    async with district.db.read() as session:
        (row,) = await session.scalars(select(IssuedCredential))
    said = await room.as_(ANA).command("badges")
    assert "*Questioning for Discourse*, earned September 8, 2026" in said
    assert row.document["id"] in said
    assert "check it with no account" in said
    assert "1. *Questioning for Discourse*" in said and "Say *badge 1*" in said
    said = await room.as_(ANA).command("badge", "1")
    assert f"{row.document['id']}/badge.png" in said and f"{row.document['id']}.json" in said
    assert "Licenses & certifications" in said and "Issuing organization: Testville" in said
    assert "Which one?" in await room.as_(ANA).command("badge", "7")
    assert "no badge to give" in await room.as_(BEN).command("badge", "1")
    assert row.document["id"] not in await room.as_(BEN).command("earned")
    await district.credentials.revoke(row.public_id, "awarded in error")
    said = await room.as_(ANA).command("badges")
    assert "revoked on Tuesday, September 8 at 9:00 AM CDT (awarded in error)" in said
