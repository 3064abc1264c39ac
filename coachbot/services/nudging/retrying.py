"""What happens to a nudge the platform did not take: wait its pace, try again later, or give up.

Its own module because it is a policy people tune and argue about (how many tries, how long
between them) and it should read as one: a rate limit is the platform's pace, not a failure,
so it never counts as an attempt; a failure is retried with full-jitter exponential backoff
(capped at an hour, so replicas do not retry in lockstep); a permanent failure, or the last
allowed attempt, makes the row a dead letter that waits for an admin to send it again.
"""

from __future__ import annotations

import random
from datetime import timedelta

from coachbot.clock import Clock
from coachbot.services.nudging.claims import OutboxClaims
from coachbot.services.nudging.outgoing import DeliveryFailed, DispatchResult, RateLimited
from coachbot.storage.models import NudgeRow


class RetryPolicy:
    def __init__(self, clock: Clock, *, max_attempts: int, rng: random.Random) -> None:
        self.clock, self.max_attempts, self.rng = clock, max_attempts, rng

    async def settle(
        self,
        claims: OutboxClaims,
        row: NudgeRow,
        result: DispatchResult,
        failed: RateLimited | DeliveryFailed,
    ) -> None:
        """Finish ``row``, which the platform did not take, as the policy says."""
        if isinstance(failed, RateLimited):
            # The platform's own pace: not a failure, so attempts do not grow.
            await claims.finish(
                row, "pending", deliver_at=self.clock.now() + timedelta(seconds=failed.retry_after)
            )
            result.deferred += 1
            return
        attempts = row.attempts + 1
        if failed.permanent or attempts >= self.max_attempts:
            await claims.finish(row, "dead", error=str(failed), attempts=attempts)
            result.dead += 1
            return
        backoff = self.rng.uniform(0, min(3600.0, 30.0 * 2**attempts))  # full jitter
        await claims.finish(
            row,
            "pending",
            error=str(failed),
            attempts=attempts,
            deliver_at=self.clock.now() + timedelta(seconds=backoff),
        )
        result.retried += 1
