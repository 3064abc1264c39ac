"""HTTP mode: an aiohttp server on ``/slack/events`` that verifies every request before anything.

slack-bolt verifies signatures too, but answers 500 to some malformed headers (a non-numeric
timestamp, say). Here a missing, malformed, stale (over five minutes), future or wrong
signature is answered 401 before bolt sees the request, and nothing else is read from it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import SlackBot
from adapters.slack.oauth import INSTALL_PATH, REDIRECT_PATH

log = logging.getLogger("coachbot.slack")
EVENTS_PATH = "/slack/events"
TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")
MAX_AGE = 300
MAX_BODY = 1024 * 1024  # Slack's payloads are far smaller; anything larger is not from Slack


class _Clock:
    """The wall clock for slack_sdk's verifier: signatures are checked against real time."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def verified(headers: dict[str, str] | object, body: bytes, secret: str,
             now: Callable[[], float] = time.time) -> bool:
    get = getattr(headers, "get")  # noqa: B009 (aiohttp's CIMultiDict and dicts alike)
    timestamp = get("X-Slack-Request-Timestamp") or ""
    signature = get("X-Slack-Signature") or ""
    if not secret or not TIMESTAMP.match(timestamp) or not SIGNATURE.match(signature):
        return False
    if abs(now() - int(timestamp)) > MAX_AGE:
        return False
    verifier = SignatureVerifier(secret, clock=_Clock(now))
    return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


def events_app(slack: SlackBot, now: Callable[[], float] = time.time) -> web.Application:
    secret = slack.settings.secret(slack.settings.signing_secret)

    async def events(request: web.Request) -> web.Response:
        body = await request.read()
        if not verified(request.headers, body, secret, now):
            log.warning("refused an unverified request from %s", request.remote)
            return web.Response(status=401)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return web.Response(status=400)
        async with slack.runner.answering():
            bolt = AsyncBoltRequest(body=text, query=request.query_string,
                                    headers=dict(request.headers))
            return await to_aiohttp_response(await slack.app.async_dispatch(bolt))

    async def oauth(request: web.Request) -> web.Response:
        # Browser visits, not Slack's posts: nothing to sign; the OAuth state (cookie and
        # database) is what protects the install, checked by bolt's flow.
        flow = slack.app.oauth_flow
        if flow is None:
            return web.Response(status=404)
        bolt = AsyncBoltRequest(body="", query=request.query_string,
                                headers=dict(request.headers))
        if request.path == flow.install_path:
            answer = await flow.handle_installation(bolt)
        else:
            answer = await flow.handle_callback(bolt)
        return await to_aiohttp_response(answer)

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_get(INSTALL_PATH, oauth)
    app.router.add_get(REDIRECT_PATH, oauth)
    return app
