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
# Discord's published limits: 50 requests a second for a bot across everything (the global
# limit), and about 5 messages every 5 seconds in one channel (each person's DM is one). The
# limiter paces at 48 a second: its clock and Discord's window never line up exactly, and each
# 429 costs a wait far longer than the 4% kept in hand (bench.discord).
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
