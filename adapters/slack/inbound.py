"""Slack payloads as the core's neutral events.

Slack encodes message text: ``&amp; &lt; &gt;``, and mentions and links in angle brackets
(``<@U123>``, ``<!channel>``, ``<https://real|label>``). The core gets plain text: a link becomes
its real target (a label cannot disguise it), mentions become inert ``@name`` words, and the
entities are decoded. Whatever comes back out is escaped again on the way to Slack.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from adapters.slack.blocks import core_action_id
from adapters.slack.modals import checked_form, submitted, uploads
from coachbot.conversation.form_checks import check
from coachbot.conversation.vocabulary import (
    ButtonPress,
    Command,
    DirectMessage,
    FormSubmission,
    Sender,
    SharedFile,
)
from coachbot.prompts import Prompts

log = logging.getLogger("coachbot.slack")
PLATFORM = "slack"  # the Sender.platform of Slack events, and the platform of Slack accounts
ANGLED = re.compile(r"<([^<>]*)>")
MAX_TEXT = 40_000  # Slack's own message limit; anything longer is cut, never an error


def _decoded(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith(("http://", "https://")):
        return target
    if target.startswith("mailto:"):
        return target[len("mailto:"):]
    if target.startswith("@"):  # a user: <@U123> or <@U123|name>
        return "@" + (label or target[1:])
    if target.startswith("#"):  # a channel: <#C123|general>
        return "#" + (label or target[1:])
    if target.startswith("!"):  # <!channel>, <!here>, <!subteam^S1|@team>, <!date^...|text>
        word = label or target[1:].split("^", 1)[0]
        return word if word.startswith("@") else "@" + word
    return label or target


def plain(text: str) -> str:
    """Slack's encoded message text as what the person meant to say, in plain words."""
    text = ANGLED.sub(lambda m: _decoded(m.group(1)), text or "")
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text[:MAX_TEXT]


def sender(user_id: str) -> Sender:
    return Sender(PLATFORM, user_id)


def command(body: dict[str, Any]) -> Command:
    """``/coach status`` arrives as command "coach" with args "status"."""
    return Command(sender(body["user_id"]), "coach", plain(body.get("text", "")),
                   event_id=str(body.get("trigger_id", "")))


def action_value(action: dict[str, Any]) -> str:
    if "selected_option" in action:
        return str((action.get("selected_option") or {}).get("value") or "")
    return str(action.get("value") or "")


def button_press(body: dict[str, Any], action: dict[str, Any]) -> ButtonPress:
    # A double click is two interactions with two trigger ids; the core's versioned values
    # ("12.3") make the second one stale, so it still has one effect.
    return ButtonPress(sender(body["user"]["id"]), core_action_id(action["action_id"]),
                       action_value(action), event_id=str(body.get("trigger_id", "")))


def form_values(body: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    """(form id, context, values in plain words) of a view_submission."""
    form_id, context, values = submitted(body["view"])
    return form_id, context, {name: plain(value) for name, value in values.items()}


def form_submission(body: dict[str, Any],
                    files: dict[str, tuple[SharedFile, ...]] | None = None) -> FormSubmission:
    view = body["view"]
    form_id, context, values = form_values(body)
    # The same view submitted twice (a double click on Submit) has one id and hash: one effect.
    return FormSubmission(sender(body["user"]["id"]), form_id, values, context,
                          event_id=f"{view.get('id', '')}:{view.get('hash', '')}",
                          files=files or {}, form=checked_form(view))


def direct_message(body: dict[str, Any], files: tuple[SharedFile, ...]) -> DirectMessage:
    event = body["event"]
    return DirectMessage(sender(event["user"]), plain(event.get("text", "")), files,
                         event_id=str(body.get("event_id", "")))


def team_of(body: dict[str, Any]) -> str:
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        return str(team.get("id") or "")
    return str(team or "")


def inline_errors(body: dict[str, Any], prompts: Prompts, now: datetime) -> dict[str, str]:
    """The core's fast checks of a submitted modal, by block id, for the ack itself; pure, so
    well inside the 3 s Slack allows. Anything unexpected lets the submission through to the
    deeper checks after the ack rather than keep a modal open for no reason."""
    try:
        view = body.get("view") or {}
        form = checked_form(view)
        if form is None:
            return {}
        _, _, values = form_values(body)
        files = {name: len(items) for name, items in uploads(view).items()}
        return check(form, values, prompts, now=now, files=files)
    except Exception:
        log.exception("could not check a submitted modal before the ack")
        return {}
