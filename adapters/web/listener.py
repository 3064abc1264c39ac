"""The file listener as ``coachbot run`` finds it (entry point group ``coachbot.listeners``):
served on ``COACHBOT_WEB_HOST:COACHBOT_WEB_PORT``, reached at ``COACHBOT_PUBLIC_URL``."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from adapters.web.app import files_app
from coachbot.composition import Services
from coachbot.domain.errors import PortInUse
from coachbot.platform.contract import settle

log = logging.getLogger("coachbot.web")


class FileListener:
    name = "files"

    async def run(self, services: Services) -> None:
        """Serve until cancelled."""
        settings = services.settings
        runner = web.AppRunner(files_app(services), access_log=None)  # tokens stay out of logs
        await runner.setup()
        try:
            try:
                await web.TCPSite(runner, settings.web_host, settings.web_port).start()
            except OSError as exc:  # the address is taken: say which setting moves it
                raise PortInUse(host=settings.web_host, port=settings.web_port,
                                what="the evidence file links",
                                setting="COACHBOT_WEB_PORT") from exc
            settle()  # bound and serving: keep start-up out of full collections (heap.py)
            log.info("evidence files: listening on %s:%s, links to %s",
                     settings.web_host, settings.web_port, settings.link_base())
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


LISTENER = FileListener()
