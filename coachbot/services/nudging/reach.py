"""Whether a chat platform reaches a person: the one fact a terminal beside a Slack or Discord
deployment needs, so that it never holds the news of people that platform serves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists

from coachbot.storage.models import PlatformAccount, WorkspaceLink


def reached_on_a_platform(person_id: Any, district_id: Any) -> ColumnElement[bool]:
    """True when the person has an account on a platform their district has linked (a Slack
    workspace, a Discord guild): that platform's dispatcher delivers their news. A roster's
    Slack ids alone do not count (the demo's roster has them, and no Slack runs there)."""
    return exists().where(
        PlatformAccount.person_id == person_id,
        WorkspaceLink.platform == PlatformAccount.platform,
        WorkspaceLink.district_id == district_id,
    )
