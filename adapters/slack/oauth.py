"""Multi-workspace installs: OAuth v2 through slack-bolt, installations and OAuth states kept by
slack_sdk's SQLAlchemy stores in CoachBot's own database (tables from migration 0004).

``/slack/install`` starts an install, ``/slack/oauth_redirect`` finishes it. A workspace is
linked to a district by ``coachbot slack link TEAM``; when CoachBot serves a single district, a
new workspace is linked to it on install. Uninstalling the app or revoking its tokens deletes
the installation (bolt's token revocation listeners), so a revoked token is never used again.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from adapters.slack.inbound import PLATFORM
from adapters.slack.settings import SlackSettings
from coachbot.platform.contract import Accounts, Services

log = logging.getLogger("coachbot.slack")
# Least privilege; each is justified in docs/slack.md.
BOT_SCOPES = ("commands", "chat:write", "chat:write.public", "im:history", "im:write",
              "files:read")
EMAIL_SCOPES = ("users:read", "users:read.email")
INSTALL_PATH, REDIRECT_PATH = "/slack/install", "/slack/oauth_redirect"
STATE_SECONDS = 600


def scopes(settings: SlackSettings) -> list[str]:
    return [*BOT_SCOPES, *(EMAIL_SCOPES if settings.email_scopes else ())]


def installs(services: Services, settings: SlackSettings) -> AsyncOAuthSettings:
    client_id = settings.client_id or ""

    async def success(args: AsyncSuccessArgs) -> Any:
        team = args.installation.team_id or ""
        try:
            linked = await Accounts(services, PLATFORM).link_if_only_one_district(team)
            if linked is not None:
                log.info("workspace %s installed and linked to %s", team, linked.district_slug)
        except Exception:  # the install itself succeeded; linking can be done by hand
            log.exception("could not link workspace %s", team)
        return await args.default.success(args)

    async def failure(args: AsyncFailureArgs) -> Any:
        log.warning("a Slack install did not complete: %s", args.reason)
        return await args.default.failure(args)

    return AsyncOAuthSettings(
        client_id=client_id,
        client_secret=settings.secret(settings.client_secret),
        scopes=scopes(settings),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=AsyncSQLAlchemyInstallationStore(client_id, engine=services.db.engine),
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(STATE_SECONDS, engine=services.db.engine),
        state_expiration_seconds=STATE_SECONDS,
        callback_options=AsyncCallbackOptions(success=success, failure=failure),
    )
