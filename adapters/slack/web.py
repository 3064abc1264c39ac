"""Talking to Slack's Web API: posting replies, opening DMs and modals, mapping Slack's errors.

Two clients share one base URL (``COACHBOT_SLACK_API_URL``): the conversation's, which retries a
429 after its Retry-After and a 5xx with backoff (a person is waiting for that answer), and the
nudges', which retries nothing itself: it turns a 429 into ``RateLimited`` and other failures into
``DeliveryFailed``, so the dispatcher reschedules by its own rules and clock.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import messages
from coachbot.conversation.vocabulary import Reply
from coachbot.services.nudging.outgoing import DeliveryFailed, RateLimited

log = logging.getLogger("coachbot.slack")

# Errors that trying again later cannot fix: the message is dead-lettered for a person to look at.
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "users_not_found",
    "account_inactive", "user_disabled", "cannot_dm_bot", "invalid_auth", "not_authed",
    "token_revoked", "token_expired", "missing_scope", "no_permission", "msg_too_long",
    "invalid_blocks", "restricted_action", "team_access_not_granted", "org_login_required",
})


def conversation_client(token: str | None, base_url: str) -> AsyncWebClient:
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def delivery_client(token: str | None, base_url: str) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=base_url, timeout=10, retry_handlers=[])


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code (``channel_not_found``...), or the HTTP status when there is none."""
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return str(data.get("error") or f"http_{exc.response.status_code}")


def as_delivery_error(exc: Exception) -> Exception:
    """A failed Web API call as the dispatcher understands it."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        if status == 429:
            headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
            retry = headers.get("retry-after", "1")
            value = retry[0] if isinstance(retry, list) else retry
            try:
                seconds = max(1.0, float(value))
            except ValueError:
                seconds = 30.0
            return RateLimited(seconds)
        error = slack_error(exc)
        return DeliveryFailed(error, permanent=error in PERMANENT)
    if isinstance(exc, aiohttp.ClientError | TimeoutError):
        return DeliveryFailed(f"network: {type(exc).__name__}")
    return exc


class SlackWeb:
    """Posts replies where they belong, with DM channel ids cached (conversations.open is rate
    limited, and a person's DM with the bot never changes).

    ``token`` is the workspace's bot token when there are several (OAuth installs); without it
    the client's own token is used.
    """

    def __init__(self, client: AsyncWebClient, token: str | None = None,
                 dms: dict[str, str] | None = None) -> None:
        self.client, self.token = client, token
        self._dms: dict[str, str] = {} if dms is None else dms

    @property
    def dms(self) -> dict[str, str]:
        """The DM channel ids opened so far, by Slack user id (to share between clients)."""
        return self._dms

    @property
    def auth(self) -> dict[str, str]:
        return {"token": self.token} if self.token else {}

    def for_token(self, token: str | None) -> SlackWeb:
        """The same client (and DM cache: Slack user ids are unique) speaking with ``token``."""
        return self if token == self.token else SlackWeb(self.client, token, self._dms)

    async def dm_channel(self, user_id: str) -> str:
        if user_id not in self._dms:
            opened = await self.client.conversations_open(users=user_id, **self.auth)
            self._dms[user_id] = str(opened["channel"]["id"])
        return self._dms[user_id]

    async def post(self, channel: str, reply: Reply) -> str:
        """Post ``reply`` (in several messages if it must be); returns the first message's ts.

        Unfurling is off: an evidence link must never be previewed for a whole channel, and
        ``parse=none`` with ``link_names`` off means only our escaped text is interpreted.
        """
        first = ""
        for body in messages(reply):
            sent = await self.client.chat_postMessage(
                channel=channel,
                unfurl_links=False,
                unfurl_media=False,
                parse="none",
                link_names=False,
                **self.auth,
                **body,  # type: ignore[arg-type]
            )
            first = first or str(sent.get("ts") or "")
        return first

    async def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        await self.client.views_open(trigger_id=trigger_id, view=view, **self.auth)

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        await self.client.views_publish(user_id=user_id, view=view, **self.auth)
