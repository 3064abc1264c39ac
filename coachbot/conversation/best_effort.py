"""Where a failed delivery is swallowed: news a turn sends to someone else.

Adapters always raise the neutral errors (``DeliveryFailed``, ``RateLimited``); the core decides
what they mean. The dispatcher reschedules or dead-letters them (a reminder must arrive). A
turn's own sends to others (a celebration in the district channel, a reviewer told a draft is
theirs) go through this wrapper: what they announce is already safely recorded, so the failure
is logged and the person's turn goes on.
"""

from __future__ import annotations

import logging

from coachbot.conversation.turn import Notifier
from coachbot.conversation.vocabulary import Reply
from coachbot.services.nudging.outgoing import DeliveryFailed, RateLimited

log = logging.getLogger("coachbot.conversation")


class BestEffortNotifier:
    def __init__(self, inner: Notifier) -> None:
        self.inner = inner

    async def to_person(self, person_id: int, reply: Reply) -> str | None:
        try:
            return await self.inner.to_person(person_id, reply)
        except (DeliveryFailed, RateLimited) as exc:
            log.warning("could not reach person %s: %s", person_id, exc)
            return None

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        try:
            await self.inner.to_channel(district_id, channel, reply)
        except (DeliveryFailed, RateLimited) as exc:
            log.warning("could not post to %s for district %s: %s", channel, district_id, exc)
