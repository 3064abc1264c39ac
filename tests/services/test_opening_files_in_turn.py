"""An open is decided on what the database holds when its audit event is written: a reviewer
whose review is being handed on is refused once that commits, and an open that cannot be
recorded leaves nothing half-written."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Connection, func, insert, select, update

from coachbot.composition import Services
from coachbot.domain.errors import NotPermitted
from coachbot.domain.reviews import ReviewStatus
from coachbot.storage.models import AuditEvent, EvidencePartRow, Review
from tests.conftest import START
from tests.helpers import ANA, FAY, actor, under_review


async def reviewed_file(district: Services) -> tuple[int, int, int]:
    """Ana hands in her lesson plan (a file) and Fay reviews it: (part, Fay, review)."""
    _, review = await under_review(district, ANA, FAY)
    fay = (await actor(district, FAY)).person_id
    assert fay is not None
    async with district.db.read() as session:
        part = await session.scalar(
            select(EvidencePartRow.id).where(EvidencePartRow.kind == "file")
        )
    assert part is not None
    return part, fay, review


async def opens(district: Services, action: str) -> int:
    async with district.db.read() as session:
        return await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ) or 0


async def test_an_open_waiting_behind_a_hand_off_is_refused_once_it_commits(
    district: Services, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's writers take turns; PostgreSQL reads what is committed")
    part, fay, review = await reviewed_file(district)
    files = district.evidence_files
    assert (await files.open(files.links.token(part, fay))).file.part_id == part
    async with district.db.write() as session:
        # Fay clicks while her review is being handed on: her open starts now, and waits.
        clicked = asyncio.create_task(files.open(files.links.token(part, fay)))
        await session.execute(
            update(Review).where(Review.id == review).values(status=ReviewStatus.HANDED_OFF)
        )
        assert not clicked.done()
    with pytest.raises(NotPermitted):
        await clicked
    assert await opens(district, "open_evidence_file") == 1
    assert await opens(district, "open_evidence_file_refused") == 1


async def test_a_unit_written_at_once_that_fails_half_way_leaves_nothing(
    district: Services,
) -> None:
    """The open's check and audit are one unit: if it fails after its insert, no event is
    left claiming an open that was never served, and the next unit works."""
    part, fay, _ = await reviewed_file(district)

    def half_way(connection: Connection) -> None:
        connection.execute(
            insert(AuditEvent),
            [{"occurred_at": START, "actor_id": fay, "subject_type": "evidence_part",
              "subject_id": part, "action": "open_evidence_file"}],
        )
        raise RuntimeError("the listener stopped half way")

    with pytest.raises(RuntimeError):
        await district.db.write_at_once(half_way)
    assert await opens(district, "open_evidence_file") == 0
    files = district.evidence_files
    assert (await files.open(files.links.token(part, fay))).file.part_id == part
    assert await opens(district, "open_evidence_file") == 1
