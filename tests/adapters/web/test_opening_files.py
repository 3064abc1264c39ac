"""A reviewer opens a file a teacher handed in, through the link the bot showed, over real HTTP:
the same bytes, with headers a browser can trust. Anyone else, an expired or a doctored link,
is refused with a polite page, and every open and every refusal is in the audit trail."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import urlsplit

import aiohttp
import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver
from adapters.web.app import content_type, disposition
from coachbot.clock import VirtualClock
from coachbot.composition import Services
from coachbot.storage.models import AuditEvent, EvidencePartRow, Person
from tests.helpers import ANA, BEN, DEE, FAY, GIL, file_listener

PDF = b"%PDF-1.4 lesson plan with question stems\n" + bytes(range(256)) * 8
REFLECTION = (
    "Reflection: my students asked each other why, again and again, and the quiet ones joined "
    "in once the questions were theirs rather than mine."
)
LINK = re.compile(r"https?://\S+/evidence/\S+")


@pytest.fixture
async def listener(district: Services) -> AsyncIterator[str]:
    async with file_listener(district) as base:
        yield base


async def get(base: str, link: str) -> tuple[int, bytes, dict[str, str]]:
    """Fetch ``link``'s path from the listener at ``base`` (the configured public URL is a
    fixed port; the test's listener has a free one)."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(base + urlsplit(link).path) as response,
    ):
        return response.status, await response.read(), dict(response.headers)


async def handed_in_for_review(district: Services) -> LocalDriver:
    """Ana sends a lesson plan (a file), a link and a reflection as a draft; Fay reviews."""
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("lesson plan.pdf", PDF, "application/pdf")
    await ana.say("Classroom video: https://video.example.org/lesson-1")
    await ana.say(REFLECTION)
    assert "for feedback" in await ana.command("send")
    return room


async def trail(services: Services, action: str) -> list[tuple[str | None, int]]:
    async with services.db.read() as session:
        rows = await session.execute(
            select(Person.email, AuditEvent.subject_id)
            .outerjoin(Person, AuditEvent.actor_id == Person.id)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
        return [(email, subject) for email, subject in rows.all()]


async def part_id(services: Services) -> int:
    async with services.db.read() as session:
        found = await session.scalar(
            select(EvidencePartRow.id).where(EvidencePartRow.kind == "file")
        )
        assert found is not None
        return found


async def test_the_reviewer_opens_the_file_and_gets_the_same_bytes(
    district: Services, listener: str
) -> None:
    room = await handed_in_for_review(district)
    evidence = await room.as_(FAY).press("open_review")
    assert "lesson plan.pdf (2.0 KB), open it: " in evidence
    link = LINK.search(evidence)
    assert link is not None
    assert link.group().startswith("http://127.0.0.1:8090/evidence/")  # the default public URL

    status, body, headers = await get(listener, link.group())
    assert status == 200
    assert body == PDF
    assert headers["Content-Type"] == "application/pdf"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Disposition"].startswith('inline; filename="lesson plan.pdf"')
    assert "no-store" in headers["Cache-Control"]
    part = await part_id(district)
    assert await trail(district, "open_evidence_file") == [(FAY, part)]

    # The teacher opens her own file with "files"; the admin through the review.
    mine = await room.as_(ANA).command("files")
    assert "lesson plan.pdf" in mine and "Links work for 24 hours" in mine
    own = LINK.search(mine)
    assert own is not None
    assert (await get(listener, own.group()))[1] == PDF
    admin = LINK.search(await room.as_(DEE).press_value("open_review", "1"))
    assert admin is not None
    assert (await get(listener, admin.group()))[1] == PDF
    assert [who for who, _ in await trail(district, "open_evidence_file")] == [FAY, ANA, DEE]


async def test_a_colleague_not_assigned_is_refused_politely_and_audited(
    district: Services, listener: str
) -> None:
    room = await handed_in_for_review(district)
    part = await part_id(district)
    async with district.db.read() as session:
        ben = await session.scalar(select(Person.id).where(Person.email == BEN))
    assert ben is not None
    # A genuine link made out to Ben (as if he had been shown one): the rule still says no.
    status, body, headers = await get(listener, district.evidence_files.links.url(part, ben))
    assert status == 403
    assert b"isn't yours to open" in body and PDF not in body
    assert headers["Content-Type"].startswith("text/html")
    assert await trail(district, "open_evidence_file_refused") == [(BEN, part)]

    # Fay's link stops working the moment she hands the review to Gil: asked on every open.
    fay = room.as_(FAY)
    link = LINK.search(await fay.press("open_review"))
    assert link is not None
    assert (await get(listener, link.group()))[0] == 200
    await fay.press("hand_off")
    await fay.submit({"reason": "Gil coaches Ana's team"})
    status, body, _ = await get(listener, link.group())
    assert status == 403 and PDF not in body
    assert await trail(district, "open_evidence_file_refused") == [(BEN, part), (FAY, part)]
    gil = LINK.search(await room.as_(GIL).press("open_review"))
    assert gil is not None
    assert (await get(listener, gil.group()))[1] == PDF


async def test_an_expired_link_asks_for_a_fresh_one(
    district: Services, listener: str, clock: VirtualClock
) -> None:
    room = await handed_in_for_review(district)
    link = LINK.search(await room.as_(FAY).press("open_review"))
    assert link is not None
    clock.advance(timedelta(hours=23, minutes=59))
    assert (await get(listener, link.group()))[0] == 200
    clock.advance(timedelta(minutes=1))
    status, body, _ = await get(listener, link.group())
    assert status == 410
    assert b"This link has expired" in body and b"fresh one" in body and PDF not in body
    assert await trail(district, "open_evidence_file_refused") == [(FAY, await part_id(district))]
    # Opening the review again gives a link that works.
    fresh = LINK.search(await room.as_(FAY).press("open_review"))
    assert fresh is not None
    assert (await get(listener, fresh.group()))[1] == PDF


async def test_a_doctored_link_is_refused(district: Services, listener: str) -> None:
    room = await handed_in_for_review(district)
    link = LINK.search(await room.as_(FAY).press("open_review"))
    assert link is not None
    part, person, expires, signature = urlsplit(link.group()).path.rsplit("/", 1)[1].split(".")
    doctored = [
        f"{part}.{person}.{int(expires) + 86400}.{signature}",  # a longer life
        f"{part}.{int(person) + 1}.{expires}.{signature}",  # someone else
        f"{part}.{person}.{expires}.{signature[:-2]}AA",
        "not-a-token",
    ]
    for token in doctored:
        status, body, _ = await get(listener, f"/evidence/{token}")
        assert status == 403, token
        assert b"doesn't work" in body and PDF not in body
    refused = await trail(district, "open_evidence_file_refused")
    assert len(refused) == len(doctored)
    assert all(who is None for who, _ in refused)  # a forged link names nobody we trust


def test_nothing_active_is_ever_rendered_inline() -> None:
    assert content_type("text/html") == "application/octet-stream"
    assert content_type("image/svg+xml") == "application/octet-stream"
    assert content_type("application/xhtml+xml") == "application/octet-stream"
    assert content_type(None) == "application/octet-stream"
    assert disposition(
        "notes.docx",
        content_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ).startswith("attachment;")
    assert disposition('a"b\\c é.png', "image/png") == (
        "inline; filename=\"a_b_c _.png\"; filename*=UTF-8''a%22b%5Cc%20%C3%A9.png"
    )


async def test_a_pdf_viewer_asking_for_a_range_gets_that_slice_still_checked(
    district: Services, listener: str
) -> None:
    """Browsers' PDF viewers ask for pages with Range requests; the file is sent from disk, so
    each one gets exactly its slice, with our headers, and each is still a checked, audited open."""
    room = await handed_in_for_review(district)
    link = LINK.search(await room.as_(FAY).press("open_review"))
    assert link is not None
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            listener + urlsplit(link.group()).path, headers={"Range": "bytes=9-24"}
        ) as response,
    ):
        assert response.status == 206
        assert await response.read() == PDF[9:25]
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    # A colleague's range request is refused like any other, and both are in the trail.
    part = await part_id(district)
    async with district.db.read() as session:
        ben = await session.scalar(select(Person.id).where(Person.email == BEN))
    assert ben is not None
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            listener + urlsplit(district.evidence_files.links.url(part, ben)).path,
            headers={"Range": "bytes=0-8"},
        ) as response,
    ):
        assert response.status == 403 and PDF[:9] not in await response.read()
    assert await trail(district, "open_evidence_file") == [(FAY, part)]
    assert await trail(district, "open_evidence_file_refused") == [(BEN, part)]


async def test_opens_that_arrive_together_are_each_decided_for_their_own_person(
    district: Services, listener: str
) -> None:
    """Fifty reviewers click at once: the opens that arrive together are decided and audited
    in one transaction, yet each gets the answer the rule gives *its* person for *its* part."""
    await handed_in_for_review(district)
    part = await part_id(district)
    async with district.db.read() as session:
        ids = dict((await session.execute(select(Person.email, Person.id))).all())
        link_part = await session.scalar(
            select(EvidencePartRow.id).where(EvidencePartRow.kind != "file")
        )
    assert link_part is not None
    links = district.evidence_files.links
    asked = [
        (FAY, part),
        (BEN, part),
        (ANA, part),
        (DEE, part),
        (GIL, part),
        (FAY, part + 999),
        (FAY, link_part),
        (BEN, part),
    ]
    # Gathered in one loop turn, so all but possibly the first are decided in one group.
    answers = await asyncio.gather(
        *(district.evidence_files.open(links.token(p, ids[who])) for who, p in asked),
        return_exceptions=True,
    )
    kinds = [type(a).__name__ if isinstance(a, Exception) else a.file.part_id for a in answers]
    assert kinds == [
        part,
        "NotPermitted",
        part,
        part,
        "NotPermitted",
        "NotFound",
        "NotFound",
        "NotPermitted",
    ]
    assert sorted(await trail(district, "open_evidence_file")) == sorted(
        [(FAY, part), (ANA, part), (DEE, part)]
    )
    assert sorted(await trail(district, "open_evidence_file_refused")) == sorted(
        [(BEN, part), (GIL, part), (BEN, part)]
    )
    # And over HTTP, at once: the same answers.
    statuses = await asyncio.gather(*(get(listener, links.url(p, ids[who])) for who, p in asked))
    assert [s for s, _, _ in statuses] == [200, 403, 200, 200, 403, 404, 404, 403]
    assert all(body == PDF for s, body, _ in statuses if s == 200)
