"""Pre-approval by a committee vote (Kettle Moraine): each approver's "approve" is a yes, and
the request is approved only at the committee's quorum; a send-back still sends it back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.domain.journey import State
from coachbot.importing.catalog_reader import read_catalog
from coachbot.storage.models import Pursuit
from tests.conftest import FIXTURES
from tests.helpers import ANA, DEE, SAM
from tests.services.journey.test_approving import asking


async def _state(services: Services, pursuit_id: int) -> str:
    async with services.db.read() as session:
        found = await session.scalar(select(Pursuit.state).where(Pursuit.id == pursuit_id))
    assert found is not None
    return found


async def _with_committee(services: Services, tmp_path: Path) -> None:
    text = (FIXTURES / "small_catalog.yaml").read_text().replace(
        "    approvers: [school_admin, district_admin]\n",
        "    approvers: [school_admin, district_admin]\n    committee: Budget\n",
    ).replace("  resubmission_limit: 3\n", f"""  resubmission_limit: 3
  committees:
    - {{name: Budget, members: [{SAM}, {DEE}], quorum: 2}}
""")
    (tmp_path / "c.yaml").write_text(text)
    await services.catalog.load(read_catalog(tmp_path / "c.yaml"))


async def test_pre_approval_waits_for_the_committees_quorum(
    district: Services, tmp_path: Path
) -> None:
    await _with_committee(district, tmp_path)
    pursuit_id = await asking(district, ANA)
    room = LocalDriver(district)
    first = await room.as_(SAM).command("approve", str(pursuit_id))
    assert "Your yes is recorded: 1 of 2" in first
    assert await _state(district, pursuit_id) == State.AWAITING_APPROVAL.value
    again = await room.as_(SAM).command("approve", str(pursuit_id))
    assert "You've already voted" in again
    second = await room.as_(DEE).command("approve", str(pursuit_id))
    assert "Approved: Ana Teacher can start planning" in second
    assert await _state(district, pursuit_id) == State.APPROVED.value
    assert "approved *Project-Based Unit*" in room.as_(ANA).last
