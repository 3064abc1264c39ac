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
from coachbot.composition import Services
from coachbot.services.nudging.ticker import NudgeTicker

log = logging.getLogger("coachbot.slack")
DRAIN_SECONDS = 10


class SlackPlatform:
    name = "slack"

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
        nudging = slack.nudging()
        ticker = NudgeTicker(nudging.sweep, nudging.dispatcher)
        ticker.start()
        try:
            if settings.socket_mode:
                from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

                handler = AsyncSocketModeHandler(slack.app, settings.secret(settings.app_token))
                log.info("Slack: Socket Mode")
                try:
                    await handler.start_async()  # until cancelled (Ctrl-C)
                finally:
                    await handler.close_async()
            else:
                runner = web.AppRunner(events_app(slack))
                await runner.setup()
                await web.TCPSite(runner, settings.host, settings.port).start()
                log.info("Slack: HTTP mode on %s:%s", settings.host, settings.port)
                try:
                    await asyncio.Event().wait()  # until cancelled (Ctrl-C)
                finally:
                    await runner.cleanup()
        finally:
            ticker.stop()
            try:  # let work already acknowledged finish, so nothing is cut off half-way
                await asyncio.wait_for(slack.drain(), DRAIN_SECONDS)
            except TimeoutError:
                log.warning("stopped with Slack work still running")
            await slack.aclose()


PLATFORM = SlackPlatform()
