"""The Slack platform as ``coachbot run`` finds it (entry point group ``coachbot.platforms``).

Socket Mode when ``SLACK_APP_TOKEN`` is set (no public URL needed), else HTTP mode on
``COACHBOT_SLACK_HOST:COACHBOT_SLACK_PORT``. Either way the nudge ticker runs beside the
conversation and delivers through Slack within Slack's limits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from aiohttp import web

from adapters.slack.settings import HTTP_MODE, OAUTH_MODE, SOCKET_MODE, SlackSettings
from coachbot.domain.errors import PortInUse
from coachbot.platform.contract import PlatformLimits, Services, serving

log = logging.getLogger("coachbot.slack")
# Slack's published limits: chat.postMessage allows about one message per second per channel
# ("special" tier; each person's DM is one); the workspace-wide ceiling is not published as a
# number ("several hundred a minute"), so four a second across the workspace stays well inside
# it. conversations.open is rate limited too, so DM channel ids are cached (SlackWeb).
LIMITS = PlatformLimits(per_channel=1.0, overall=4.0)


class SlackPlatform:
    name = "slack"
    limits = LIMITS

    def ways(self) -> Mapping[str, tuple[str, ...]]:
        # Named in prompts/en/cli.j2 (run_nothing_configured).
        return {"socket_mode": SOCKET_MODE, "http_mode": HTTP_MODE, "oauth": OAUTH_MODE}

    def configured(self) -> bool:
        return SlackSettings().configured

    async def run(self, services: Services) -> None:
        from adapters.slack.app import SlackBot
        from adapters.slack.http import events_app

        settings = SlackSettings()
        slack = SlackBot(services, settings)
        try:
            async with serving(slack.nudging(), slack.runner):
                if settings.socket_mode:
                    from slack_bolt.adapter.socket_mode.async_handler import (
                        AsyncSocketModeHandler,
                    )

                    handler = AsyncSocketModeHandler(slack.app,
                                                     settings.secret(settings.app_token))
                    log.info("Slack: Socket Mode")
                    try:
                        await handler.start_async()  # until cancelled (Ctrl-C)
                    finally:
                        await handler.close_async()
                else:
                    runner = web.AppRunner(events_app(slack))
                    await runner.setup()
                    try:
                        await web.TCPSite(runner, settings.host, settings.port).start()
                    except OSError as exc:  # the address is taken: say which setting moves it
                        await runner.cleanup()
                        raise PortInUse(
                            host=settings.host, port=settings.port, what="Slack's events",
                            setting="COACHBOT_SLACK_PORT",
                        ) from exc
                    log.info("Slack: HTTP mode on %s:%s", settings.host, settings.port)
                    try:
                        await asyncio.Event().wait()  # until cancelled (Ctrl-C)
                    finally:
                        await runner.cleanup()
        finally:
            await slack.aclose()


PLATFORM = SlackPlatform()
