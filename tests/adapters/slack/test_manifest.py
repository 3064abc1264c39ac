"""The app manifests create an app that matches what the adapter does, with no scope more than
it needs, and the install guide justifies every scope."""

from __future__ import annotations

import pytest
import yaml

from adapters.slack.app import COMMAND
from adapters.slack.http import EVENTS_PATH
from adapters.slack.oauth import BOT_SCOPES, EMAIL_SCOPES, REDIRECT_PATH
from coachbot.settings import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy" / "slack"
EVENTS = {"message.im", "app_home_opened", "app_uninstalled", "tokens_revoked"}


@pytest.mark.parametrize("name", ["manifest.yaml", "manifest-http.yaml"])
def test_the_manifest_matches_the_adapter(name: str) -> None:
    manifest = yaml.safe_load((DEPLOY / name).read_text())
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == EVENTS
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    http = not manifest["settings"]["socket_mode_enabled"]
    if http:
        urls = [command["url"], manifest["settings"]["event_subscriptions"]["request_url"],
                manifest["settings"]["interactivity"]["request_url"]]
        assert all(url.endswith(EVENTS_PATH) for url in urls)
        assert manifest["oauth_config"]["redirect_urls"][0].endswith(REDIRECT_PATH)


def test_the_guide_justifies_every_scope() -> None:
    guide = (REPO_ROOT / "docs" / "slack.md").read_text()
    for scope in (*BOT_SCOPES, *EMAIL_SCOPES):
        assert f"`{scope}`" in guide
