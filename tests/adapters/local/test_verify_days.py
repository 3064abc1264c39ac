"""Every day in a verification answer is the issuing district's, with its zone named (a trial
read "valid since" in UTC next to "REVOKED on" in Chicago's day, in one answer). Issued and
revoked on Chicago evenings that are already the next day in UTC."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from coachbot.cli.main import plug_in_adapters
from coachbot.composition import Services
from coachbot.storage.models import IssuedCredential
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.adapters.local.test_trial_four import _public_ids, _revoked_in_the_evening
from tests.adapters.web.test_credential_pages import verify
from tests.helpers import ANA, BEN, DEE, earn

SEPT_8_EVENING = datetime(2026, 9, 9, 2, 0, tzinfo=UTC)  # 9 PM on September 8 in Chicago
ISSUED = "valid since September 8, 2026 (America/Chicago), with no expiry"
REVOKED = "REVOKED on December 3, 2026 (America/Chicago): awarded in error"


async def _document(district: Services) -> dict[str, object]:
    async with district.db.read() as db:
        document = await db.scalar(select(IssuedCredential.document))
    assert document is not None
    return document


async def test_a_valid_credential_is_dated_in_its_districts_zone_everywhere(
    district: Services, tmp_path: Path
) -> None:
    district.clock.set(SEPT_8_EVENING)
    await earn(district, ANA)
    await onboarded(district, ANA, BEN)
    document = await _document(district)
    # Ben reads in Denver; the credential's days are still its district's, named.
    text = await session(district, BEN, [f"verify {document['id']}", "/quit"])
    assert ISSUED in text and "September 9" not in text
    path = tmp_path / "ana.json"
    path.write_text(json.dumps(document))
    plug_in_adapters()
    env = {"COACHBOT_DATABASE_URL": district.settings.database_url,
           "COACHBOT_LOG_LEVEL": "WARNING"}  # fmt: skip
    result = await verify(str(path), env)
    assert ISSUED in result.output and "September 9" not in result.output


async def test_a_revoked_credential_names_one_zone_for_all_its_days(
    district: Services, tmp_path: Path
) -> None:
    district.clock.set(SEPT_8_EVENING)
    await earn(district, ANA)
    await onboarded(district, ANA, DEE)
    (public_id,) = await _public_ids(district)
    await _revoked_in_the_evening(district, public_id)
    document = await _document(district)
    text = await session(district, DEE, [f"verify {document['id']}", "/quit"])
    assert ISSUED in text and REVOKED in text
    assert "September 9" not in text and "December 4" not in text
    path = tmp_path / "ana.json"
    path.write_text(json.dumps(document))
    plug_in_adapters()
    env = {"COACHBOT_DATABASE_URL": district.settings.database_url,
           "COACHBOT_LOG_LEVEL": "WARNING"}  # fmt: skip
    result = await verify(str(path), env)
    assert ISSUED in result.output and REVOKED in result.output
    assert "September 9" not in result.output and "December 4" not in result.output
