"""A colleague who commented on a draft opens the file link he was shown while commenting,
over real HTTP, after his comments are sent: still refused (and audited as refused), but the
page says why, as ``review N`` does in chat, instead of sending him to his district admin as
if he had no business there."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.storage.models import Person
from tests.adapters.web.test_opening_files import get, part_id, trail
from tests.helpers import BEN, CARA, file_listener
from tests.services.test_peer_review import PDF, _comment_from_ben, _draft_sent

LINK = re.compile(r"https?://\S+/evidence/\S+")


@pytest.fixture
async def listener(district: Services) -> AsyncIterator[str]:
    async with file_listener(district) as base:
        yield base


async def test_the_colleagues_link_after_his_comments_says_why_it_is_closed(
    district: Services, listener: str
) -> None:
    room = LocalDriver(district)
    await _draft_sent(room, district)
    ben = room.as_(BEN)
    shown = LINK.search(await ben.press("open_review"))
    assert shown is not None
    status, body, _ = await get(listener, shown.group())
    assert status == 200 and body == PDF  # his to open while he comments

    await _comment_from_ben(room, "Let students pose the follow-up questions.")
    status, body, headers = await get(listener, shown.group())
    page = body.decode()
    assert status == 403 and PDF not in body
    assert headers["Content-Type"].startswith("text/html")
    assert "Your comments are done, so this file is closed" in page
    assert "open to you only while you comment on it" in page
    assert "Thank you!" in page
    assert "isn't yours to open" not in page
    assert "ask your district admin" not in page
    part = await part_id(district)
    assert (BEN, part) in await trail(district, "open_evidence_file_refused")


async def test_someone_never_asked_still_reads_the_plain_refusal(
    district: Services, listener: str
) -> None:
    """The kind words are for the colleague who commented, not for anyone holding a link."""
    room = LocalDriver(district)
    await _draft_sent(room, district)
    await _comment_from_ben(room, "Let students pose the follow-up questions.")
    part = await part_id(district)
    async with district.db.read() as session:
        cara = await session.scalar(select(Person.id).where(Person.email == CARA))
    assert cara is not None  # a teacher at another school, never asked to comment
    status, body, _ = await get(listener, district.evidence_files.links.url(part, cara))
    assert status == 403
    assert b"isn't yours to open" in body and b"comments are done" not in body
    assert (CARA, part) in await trail(district, "open_evidence_file_refused")
