"""A platform's event claimed once, across replicas, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from coachbot.clock import VirtualClock
from coachbot.composition import Services, build
from coachbot.platform.contract import first_delivery
from coachbot.settings import Settings


async def test_an_event_delivered_again_is_claimed_once_on_any_replica(
    services: Services, clock: VirtualClock, tmp_path: Path
) -> None:
    replica = build(Settings(database_url=services.settings.database_url,
                             evidence_dir=tmp_path / "e", _env_file=None), clock)
    try:
        assert await first_delivery(services, "discord", "1234")
        assert not await first_delivery(replica, "discord", "1234")
        assert await first_delivery(replica, "slack", "1234")  # another platform's id space
        assert await first_delivery(services, "discord", "")  # no id: cannot be told apart
        assert await first_delivery(services, "discord", "")
    finally:
        await replica.aclose()
