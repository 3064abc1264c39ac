"""Every file handed in is kept, named by its content: a recorded part always names bytes that
can be opened, and a file too large is refused in plain words with nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.domain.catalog import PartKind
from coachbot.domain.errors import InvalidInput
from coachbot.domain.evidence import EvidenceKind, EvidencePart
from coachbot.domain.journey import Move
from coachbot.storage.evidence_files import digest
from coachbot.storage.models import DraftItem, EvidenceVersion
from tests.helpers import ANA, actor, c_one_evidence, planned


async def test_a_file_too_large_is_refused_kindly_and_nothing_is_stored(
    district: Services,
) -> None:
    district.basket.keeper.max_bytes = 1024  # the district's limit, made small for the test
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    big = b"%PDF-1.4 " + b"x" * 2000
    answer = await ana.send_file("plan.pdf", big, "application/pdf")
    assert "That file is too large" in answer and "Share a link to it instead" in answer
    assert not await district.evidence_store.exists(digest(big))
    async with district.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(DraftItem)) == 0


async def test_a_part_whose_bytes_were_never_kept_is_not_recorded(district: Services) -> None:
    pursuit_id = await planned(district, ANA)
    teacher = await actor(district, ANA)
    await district.journey.move(teacher, pursuit_id, Move.START_WORK)
    plan, *rest = c_one_evidence()
    unkept = EvidencePart(
        plan.requirement, PartKind.FILE, file_name="plan.pdf", file_size=3,
        content_hash=digest(b"abc"), media_type="application/pdf",
    )
    with pytest.raises(InvalidInput) as refused:
        await district.evidence.hand_in(teacher, pursuit_id, EvidenceKind.FORMAL, [unkept, *rest])
    assert refused.value.params["hint"] == "file_not_kept"
    async with district.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(EvidenceVersion)) == 0
    # With its bytes it goes in, and the store holds them.
    await district.evidence.hand_in(teacher, pursuit_id, EvidenceKind.FORMAL, [plan, *rest])
    assert plan.content_hash is not None
    assert await district.evidence_store.get(plan.content_hash) == plan.content
