"""The Discord platform as ``coachbot run`` finds it (entry point group ``coachbot.platforms``).

The bot connects out to Discord's gateway (no public URL); the nudge ticker runs beside it and
delivers within Discord's limits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from adapters.discord.settings import GATEWAY, DiscordSettings
from coachbot.platform.contract import PlatformLimits, Services, serving

log = logging.getLogger("coachbot.discord")
# Discord's published limits: 50 requests a second for a bot across everything but interactions
# (the global limit: messages, DM opens, channel lookups, retries), and about 5 messages every 5
# seconds in one channel (each person's DM is one). Every REST request takes a slot of the
# limiter's window as it leaves (adapters.discord.pacing), so the limiter may use the whole 50,
# in a window stretched by the margin (1%) and by 20 ms: how much later Discord may count one
# request than another that left as soon (the fake Discord, in the same process, counted most
# within a few ms, at p99 15-35 ms on a loaded machine). At most 48.5 a second (97%) in steady
# flow. The former 48 a second capped it at 95% before any overhead, and counted neither DM
# opens nor the lag between a slot and its request (a database lookup), so 429s still came:
# each stops every request for its Retry-After (bench.discord).
LIMITS = PlatformLimits(per_channel=1.0, overall=50.0, jitter=0.02)


class DiscordPlatform:
    name = "discord"
    limits = LIMITS

    def ways(self) -> Mapping[str, tuple[str, ...]]:
        return {"gateway": GATEWAY}

    def configured(self) -> bool:
        return DiscordSettings().configured

    async def run(self, services: Services) -> None:
        from adapters.discord.app import DiscordBot

        bot = DiscordBot(services, DiscordSettings())
        try:
            async with serving(bot.nudging(), bot.runner):
                log.info("Discord: gateway")
                await bot.serve()  # until cancelled (Ctrl-C)
        finally:
            await bot.aclose()


PLATFORM = DiscordPlatform()
