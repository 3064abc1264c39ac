"""A platform's event claimed once, whichever replica it reaches and however often it comes.

Platforms deliver at least once: Slack retries an event it thinks was not answered (the same
``event_id``, with ``X-Slack-Retry-Num``), Discord's gateway replays after a RESUME. The claim is
a row in the idempotency table, so it holds across restarts and replicas.
"""

from __future__ import annotations

from coachbot.composition import Services
from coachbot.services.record.idempotency import claim


async def first_delivery(services: Services, platform: str, event_id: str) -> bool:
    """True the first time ``platform`` delivers ``event_id`` (and for events with no id, which
    cannot be told apart); False for every delivery after it."""
    if not event_id:
        return True
    async with services.db.write() as session:
        return await claim(session, f"{platform}-event|{event_id}", services.clock.now()) is None
