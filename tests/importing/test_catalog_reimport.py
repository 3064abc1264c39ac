"""Re-importing a catalog updates it in place and keeps every pursuit and its history."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from coachbot.composition import Services
from coachbot.importing.catalog_reader import read_catalog
from coachbot.storage.models import CredentialRow, Pursuit, StackCredential
from tests.helpers import planned

FIXTURE = Path(__file__).parent.parent / "fixtures" / "small_catalog.yaml"


async def test_reimport_renames_in_place_and_retires_what_is_gone(
    district: Services, tmp_path: Path
) -> None:
    pursuit = await planned(district, code="C-TWO")
    text = FIXTURE.read_text().replace(
        "title: Exit Tickets that Inform", "title: Exit Tickets that Change Tomorrow"
    )
    # C-COACH leaves the catalog (and the facilitator pathway with it)
    start = text.index("  - code: C-COACH")
    text = text[:start] + text[text.index("stacks:") :]
    text = text[: text.index("  - code: P-FACILITATOR")]
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    result = await district.catalog.load(read_catalog(path))
    assert (result.created, result.updated, result.retired) == (0, 3, 1)
    async with district.db.read() as session:
        rows = {c.code: c for c in await session.scalars(select(CredentialRow))}
        still = await session.get(Pursuit, pursuit)
        links = await session.scalar(select(func.count()).select_from(StackCredential))
    assert rows["C-TWO"].title == "Exit Tickets that Change Tomorrow"
    assert rows["C-COACH"].active is False
    assert still is not None
    assert still.credential_id == rows["C-TWO"].id
    assert links == 2
    catalog = await district.read.catalog(rows["C-TWO"].district_id)
    offered = {code for group in catalog for code, _, _ in group.credentials}
    assert "C-COACH" not in offered
    assert "C-TWO" in offered
