"""Slack's side of matching people (coachbot.platform.accounts keeps the links): reading a Slack
user's email, and finding a Slack user by email, with the workspace's own token. Both need the
``users:read.email`` scope, asked for only where a district allows matching by email
(``coachbot slack link TEAM --match-by-email``)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from adapters.slack.web import SlackWeb, slack_error

log = logging.getLogger("coachbot.slack")


class SlackEmails:
    def __init__(self, web: SlackWeb) -> None:
        self.web = web

    async def email_of(self, account_id: str) -> str | None:
        try:
            info = await self.web.client.users_info(user=account_id, **self.web.auth)
        except SlackApiError as exc:
            log.warning("users.info for %s: %s", account_id, slack_error(exc))
            return None
        profile = (info.get("user") or {}).get("profile") or {}
        email = profile.get("email")
        return str(email).strip().lower() if email else None

    async def account_by_email(self, email: str) -> str | None:
        try:
            found = await self.web.client.users_lookupByEmail(email=email, **self.web.auth)
        except SlackApiError as exc:
            log.info("users.lookupByEmail: %s", slack_error(exc))
            return None
        return str((found.get("user") or {}).get("id") or "") or None
