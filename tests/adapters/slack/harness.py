"""Playing people in Slack: signed Slack payloads into the real bolt app over HTTP, and what the
bot sent read back from the fake Web API's record."""

from __future__ import annotations

import itertools
import json
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import SlackBot
from adapters.slack.blocks import core_action_id
from adapters.slack.http import EVENTS_PATH, events_app
from adapters.slack.settings import SlackSettings
from coachbot.composition import Services
from tests.adapters.slack.fake_slack import BOT_USER, TEAM, TOKEN, FakeSlack

SECRET = "test-signing-secret"
FORM = "application/x-www-form-urlencoded"


def signed(body: bytes, *, at: float | None = None, secret: str = SECRET) -> dict[str, str]:
    timestamp = str(int(at if at is not None else time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def message_text(call_args: dict[str, Any]) -> str:
    """What a person reads in a posted message: every section, field and context text."""
    lines: list[str] = []
    for block in call_args.get("blocks") or []:
        if block["type"] == "section":
            if block.get("text"):
                lines.append(block["text"]["text"])
            lines.extend(f["text"] for f in block.get("fields") or [])
        elif block["type"] == "context":
            lines.extend(e.get("text", "") for e in block["elements"])
        elif block["type"] == "actions":
            lines.append("  ".join(f"[{e['text']['text']}]" for e in block["elements"]
                                   if e["type"] == "button"))
    return "\n".join(lines) or str(call_args.get("text", ""))


def assert_valid_block_kit(fake: FakeSlack) -> int:
    """Every message and view the bot sent passes slack_sdk's model validation; returns how
    many payloads were checked."""
    checked = 0
    for call in fake.calls:
        if call.method == "chat.postMessage":
            blocks = call.args.get("blocks") or []
            assert len(blocks) <= 50
            for raw in blocks:
                block = Block.parse(raw)
                assert block is not None, raw
                block.validate_json()
                assert block.to_dict() == raw
            checked += 1
        elif call.method in ("views.open", "views.publish"):
            view = View(**call.args["view"])
            view.validate_json()
            checked += 1
    return checked


HUMAN_PAUSE = timedelta(seconds=3)


class SlackRoom:
    """A Slack workspace full of people talking to the real bolt app over signed HTTP."""

    def __init__(self, services: Services, fake: FakeSlack) -> None:
        self.services, self.fake = services, fake
        self._ids = itertools.count(1)
        self.triggers: dict[str, str] = {}  # trigger id -> user
        self.responses: list[int] = []
        self.acks: list[str] = []  # each request's answer body (a modal's inline errors)

    async def start(self, settings: SlackSettings | None = None) -> SlackRoom:
        settings = settings or SlackSettings(bot_token=TOKEN, signing_secret=SECRET,
                                             api_url=self.fake.url)
        self.slack = SlackBot(self.services, settings)
        self._runner = web.AppRunner(events_app(self.slack))
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        self.events_url = f"{self.base}{EVENTS_PATH}"
        self.http = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        await self.slack.drain()
        await self.http.close()
        await self.slack.aclose()
        await self._runner.cleanup()

    # -- raw requests -------------------------------------------------------------------------
    async def post(self, body: bytes, content_type: str,
                   headers: dict[str, str] | None = None) -> tuple[int, str]:
        sent = {"Content-Type": content_type, **(headers if headers is not None else signed(body))}
        # People take a few seconds between one click and the next; the bot's clock (virtual in
        # tests) moves on with them, so Slack's one-message-a-second pacing behaves as in life.
        self.services.clock.advance(HUMAN_PAUSE)
        async with self.http.post(self.events_url, data=body, headers=sent) as response:
            text = await response.text()
            self.responses.append(response.status)
            self.acks.append(text)
        await self.slack.drain()
        return response.status, text

    def trigger(self, user: str) -> str:
        trigger = f"{next(self._ids)}.{user}.trigger"
        self.triggers[trigger] = user
        return trigger

    async def interaction(self, payload: dict[str, Any]) -> int:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        status, _ = await self.post(body, FORM)
        return status

    # -- acting as a person -----------------------------------------------------------------
    async def command(self, user: str, text: str = "", team: str = TEAM) -> int:
        body = urlencode({
            "token": "legacy", "team_id": team, "team_domain": "testville",
            "channel_id": "C0GENERAL", "channel_name": "general", "user_id": user,
            "user_name": user.lower(), "command": "/coach", "text": text,
            "api_app_id": "A0COACH", "response_url": "https://hooks.slack.example/commands/1",
            "trigger_id": self.trigger(user),
        }).encode()
        status, _ = await self.post(body, FORM)
        return status

    def event_body(self, user: str, event: dict[str, Any], event_id: str | None = None,
                   team: str = TEAM) -> bytes:
        return json.dumps({
            "token": "legacy", "team_id": team, "api_app_id": "A0COACH",
            "type": "event_callback", "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
            "event": {"user": user, **event},
        }).encode()

    async def dm(self, user: str, text: str, files: list[dict[str, Any]] | None = None,
                 *, event_id: str | None = None, headers: dict[str, str] | None = None) -> int:
        event: dict[str, Any] = {"type": "message", "channel_type": "im", "channel": "D" + user,
                                 "text": text, "ts": f"{time.time():.6f}"}
        if files:
            event |= {"subtype": "file_share", "files": files}
        body = self.event_body(user, event, event_id)
        status, _ = await self.post(body, "application/json",
                                    None if headers is None else {**signed(body), **headers})
        return status

    def share(self, file_id: str, name: str, data: bytes, mimetype: str) -> dict[str, Any]:
        self.fake.files[file_id] = data
        return {"id": file_id, "name": name, "mimetype": mimetype, "size": len(data),
                "url_private_download": self.fake.file_url(file_id, name)}

    def buttons(self, user: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(message, button) pairs this person was sent, newest first."""
        found = []
        for call in reversed(self.fake.posts_to("D" + user)):
            for block in reversed(call.args.get("blocks") or []):
                if block["type"] == "actions":
                    found.extend((call.args, e) for e in block["elements"])
        return found

    async def press(self, user: str, action: str, labelled: str = "") -> int:
        for _message, element in self.buttons(user):
            label = (element.get("text") or {}).get("text", "")
            if core_action_id(element["action_id"]) == action and labelled in label:
                return await self.press_element(user, element)
        raise LookupError(f"{user} was never shown a '{action}' button")

    async def press_element(self, user: str, element: dict[str, Any]) -> int:
        action = {"type": element["type"], "action_id": element["action_id"],
                  "block_id": "b", "action_ts": f"{time.time():.6f}"}
        if "value" in element:
            action["value"] = element["value"]
        return await self.interaction({
            "type": "block_actions", "team": {"id": TEAM}, "api_app_id": "A0COACH",
            "user": {"id": user, "team_id": TEAM}, "token": "legacy",
            "trigger_id": self.trigger(user), "channel": {"id": "D" + user},
            "container": {"type": "message", "channel_id": "D" + user}, "actions": [action],
        })

    def last_modal(self, user: str) -> dict[str, Any]:
        for call in reversed(self.fake.called("views.open")):
            if self.triggers.get(call.args["trigger_id"]) == user:
                return call.args["view"]
        raise LookupError(f"no modal was opened for {user}")

    async def submit(self, user: str, values: dict[str, str],
                     files: dict[str, list[dict[str, Any]]] | None = None) -> int:
        """Fill in the newest modal opened for ``user`` (initial values kept) and submit it;
        ``files`` are the uploads (``fake.uploaded``) in each file input."""
        view = self.last_modal(user)
        state: dict[str, Any] = {}
        for block in view["blocks"]:
            element = block["element"]
            name, kind = block["block_id"], element["type"]
            given = values.get(name)
            if kind == "file_input":
                state[name] = {"value": {"type": kind, "files": (files or {}).get(name, [])}}
            elif kind in ("radio_buttons", "static_select"):
                chosen = element.get("initial_option")
                if given is not None:
                    chosen = next(o for o in element["options"] if o["value"] == given)
                state[name] = {"value": {"type": kind, "selected_option": chosen}}
            elif kind == "datepicker":
                state[name] = {"value": {"type": kind,
                                         "selected_date": given or element.get("initial_date")}}
            else:
                state[name] = {"value": {"type": kind,
                                         "value": given or element.get("initial_value")}}
        number = next(self._ids)
        return await self.interaction({
            "type": "view_submission", "team": {"id": TEAM}, "api_app_id": "A0COACH",
            "user": {"id": user, "team_id": TEAM}, "token": "legacy",
            "trigger_id": self.trigger(user),
            "view": {**view, "id": f"V{number:06d}", "hash": f"h{number}", "type": "modal",
                     "state": {"values": state}},
        })

    # -- reading -------------------------------------------------------------------------------
    def texts(self, user: str) -> list[str]:
        return [message_text(c.args) for c in self.fake.posts_to("D" + user)]

    def last(self, user: str) -> str:
        texts = self.texts(user)
        return texts[-1] if texts else ""

    def everything(self, user: str) -> str:
        return "\n\n".join(self.texts(user))
