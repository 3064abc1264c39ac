"""Every REST request of the bot takes a slot of the limiter's global window as it leaves.

Discord's global limit (50 requests a second) counts every request of a bot but the interaction
endpoints: messages, but also opening a DM, reading a server's channels, and discord.py's own
retries after a 429. The limiter's window should hold exactly those, at the moment they leave:
an aiohttp trace hook (discord.py's ``http_trace``) runs before each attempt and waits for a
slot there. The first request of a delivery uses the slot the dispatcher took for it
(``RateLimiter.wait_for_all`` moves it to now), so the count is not doubled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import SimpleNamespace

import aiohttp

EXEMPT = ("/interactions/", "/webhooks/")  # Discord does not count these


def paced(base_url: str, slot: Callable[[], Awaitable[None]]) -> aiohttp.TraceConfig:
    """A trace that awaits ``slot`` before each request to Discord's REST API at
    ``base_url`` other than an interaction's (the gateway and attachments are no REST)."""
    base = base_url.rstrip("/") + "/"

    async def on_request_start(session: aiohttp.ClientSession, context: SimpleNamespace,
                               params: aiohttp.TraceRequestStartParams) -> None:
        url = str(params.url)
        if url.startswith(base) and not url[len(base) - 1:].startswith(EXEMPT):
            await slot()

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    return trace
