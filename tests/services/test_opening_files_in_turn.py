"""An open is decided on what the database holds when its audit event is written: a reviewer
whose review is being handed on is refused once that commits, and an open that cannot be
recorded leaves nothing half-written."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Connection, func, insert, select, text, update

from coachbot.composition import Services
from coachbot.domain.errors import NotPermitted
from coachbot.domain.reviews import ReviewStatus
from coachbot.storage.models import AuditEvent, EvidencePartRow, Person, Review
from tests.conftest import START
from tests.helpers import ANA, BEN, FAY, actor, under_review


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


async def test_a_file_still_opens_after_the_database_cut_its_connection(
    district: Services, backend: str
) -> None:
    """A server restart or an idle timeout cuts the connection the opens keep; the next
    reviewer to click is still served (and audited once), not shown an error page."""
    if backend != "postgres":
        pytest.skip("SQLite has no server to cut a connection")
    part, fay, _ = await reviewed_file(district)
    files = district.evidence_files
    assert (await files.open(files.links.token(part, fay))).file.part_id == part
    kept = await district.db.write_at_once(
        lambda connection: connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    )
    async with district.db.write() as session:
        cut = await session.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": kept})
    assert cut is True
    assert (await files.open(files.links.token(part, fay))).file.part_id == part
    assert await opens(district, "open_evidence_file") == 2


async def test_the_trail_names_who_opened_which_file_of_which_hand_in(
    district: Services,
) -> None:
    """What an auditor reads, the same on both databases: the file's name, its hand-in and
    version, the district, and why a refusal was refused."""
    part, fay, _ = await reviewed_file(district)
    ben = (await actor(district, BEN)).person_id
    assert ben is not None
    files = district.evidence_files
    await files.open(files.links.token(part, fay))
    with pytest.raises(NotPermitted):
        await files.open(files.links.token(part, ben))
    async with district.db.read() as session:
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.like("open_evidence_file%"))
                .order_by(AuditEvent.id)
            )
        ).all()
        district_id = await session.scalar(select(Person.district_id).where(Person.id == fay))
    assert [(e.actor_id, e.action, e.reason) for e in events] == [
        (fay, "open_evidence_file", None),
        (ben, "open_evidence_file_refused", "not_permitted"),
    ]
    for event in events:
        assert (event.subject_type, event.subject_id) == ("evidence_part", part)
        assert event.district_id == district_id
        assert event.occurred_at == START
        assert event.details is not None
        assert event.details["file"] == "plan.pdf"
        assert event.details["version"] == 1
