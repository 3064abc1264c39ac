"""Playing people in Discord: gateway dispatches into the real discord.py client, and what the
bot sent read back from the fake Discord's record of REST calls."""

from __future__ import annotations

import asyncio
import itertools
import re
from datetime import timedelta
from typing import Any

from adapters.discord.app import DiscordBot
from adapters.discord.settings import DiscordSettings
from coachbot.composition import Services
from tests.adapters.discord.fake_discord import APP_ID, TOKEN, Call, FakeDiscord, user_object

HUMAN_PAUSE = timedelta(seconds=3)
WAIT = 10.0


def dm_channel(user: str) -> str:
    return "6" + user[1:]


def components_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for row in body.get("components") or []:
        found.extend(row.get("components") or [row])
    return found


class DiscordRoom:
    """A Discord server full of people talking to the real discord.py client."""

    def __init__(self, services: Services, fake: FakeDiscord) -> None:
        self.services, self.fake = services, fake
        self._ids = itertools.count(1)
        self.tokens: dict[str, str] = {}  # interaction token -> user

    async def start(self) -> DiscordRoom:
        settings = DiscordSettings(bot_token=TOKEN, api_url=self.fake.url, _env_file=None)
        self.bot = DiscordBot(self.services, settings)
        self._serving = asyncio.create_task(self.bot.serve())
        await self.fake.connected()
        await asyncio.wait_for(self.bot.client.wait_until_ready(), WAIT)
        return self

    async def stop(self) -> None:
        await self.bot.runner.drain()
        await self.bot.aclose()
        self._serving.cancel()
        await asyncio.gather(self._serving, return_exceptions=True)

    # -- waiting for the bot ----------------------------------------------------------------
    async def until(self, done: Any) -> None:
        """Wait (real time, bounded) until ``done()``: the client works on its own tasks."""
        await self.until_seconds(done, WAIT)

    async def until_seconds(self, done: Any, seconds: float) -> None:
        for _ in range(int(seconds / 0.01)):
            if done():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the bot never answered")

    async def settle(self, interaction_id: str | None = None) -> None:
        if interaction_id is not None:
            await self.until(lambda: self.callback(interaction_id) is not None)
        await asyncio.sleep(0)
        await self.bot.runner.drain()

    def callback(self, interaction_id: str) -> Call | None:
        return next((c for c in self.fake.calls
                     if c.path.startswith(f"/interactions/{interaction_id}/")), None)

    # -- acting as a person -----------------------------------------------------------------
    def _interaction(self, user: str, kind: int, data: dict[str, Any],
                     guild: str | None = None, **extra: Any) -> dict[str, Any]:
        number = next(self._ids)
        token = f"itoken-{number}-{user}"
        self.tokens[token] = user
        payload: dict[str, Any] = {
            "id": self.fake.snowflake(), "application_id": APP_ID, "type": kind,
            "token": token, "version": 1, "data": data, "locale": "en-US",
            "app_permissions": "0", "entitlements": [], "authorizing_integration_owners": {},
            "attachment_size_limit": 10 * 1024 * 1024,
            **extra,
        }
        if guild:
            payload |= {"guild_id": guild, "channel_id": "700000000000000001",
                        "channel": {"id": "700000000000000001", "type": 0, "guild_id": guild,
                                    "name": "general", "position": 0,
                                    "permission_overwrites": [], "nsfw": False},
                        "member": {"user": user_object(user), "roles": [], "joined_at":
                                   "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False,
                                   "permissions": "0", "flags": 0}, "context": 0}
        else:
            payload |= {"user": user_object(user), "channel_id": dm_channel(user),
                        "channel": {"id": dm_channel(user), "type": 1}, "context": 1}
        return payload

    async def send(self, payload: dict[str, Any]) -> str:
        self.services.clock.advance(HUMAN_PAUSE)
        answered = self.bot.answered
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        # Answered, and its work handed to the runner: only then does draining wait for it.
        await self.until(lambda: self.bot.answered > answered)
        await self.settle(payload["id"])
        return str(payload["id"])

    async def command(self, user: str, name: str, details: str = "",
                      guild: str | None = None) -> str:
        options = [{"name": "details", "type": 3, "value": details}] if details else []
        return await self.send(self._interaction(user, 2, {
            "id": "500000000000000001", "name": "coach", "type": 1,
            "options": [{"name": name, "type": 1, "options": options}]}, guild))

    async def dm(self, user: str, text: str,
                 attachments: list[tuple[str, bytes, str]] | None = None,
                 message_id: str | None = None) -> str:
        files = []
        for name, data, media_type in attachments or []:
            attachment_id = self.fake.snowflake()
            path = f"{dm_channel(user)}/{attachment_id}/{name}"
            self.fake.attachments[path] = data
            files.append({"id": attachment_id, "filename": name, "size": len(data),
                          "content_type": media_type, "url": f"{self.fake.base}/attachments/{path}",
                          "proxy_url": f"{self.fake.base}/attachments/{path}"})
        message = self.fake.message(dm_channel(user), text, author=user_object(user),
                                    attachments=files)
        if message_id:
            message["id"] = message_id
        self.services.clock.advance(HUMAN_PAUSE)
        seen = self.bot.seen
        await self.fake.dispatch("MESSAGE_CREATE", message)
        await self.until(lambda: self.bot.seen > seen)
        await self.settle()
        return str(message["id"])

    def buttons(self, user: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(message, component) pairs this person was sent, newest first."""
        found = []
        for call, message in reversed(self.sent_to(user)):
            for component in reversed(components_of(call.body)):
                found.append((message, component))
        return found

    async def press(self, user: str, action: str, labelled: str = "",
                    guild: str | None = None) -> str:
        for message, component in self.buttons(user):
            custom_id = str(component.get("custom_id", ""))
            parts = custom_id.split("|")
            if (len(parts) >= 3 and parts[2] == action
                    and labelled in str(component.get("label", ""))):
                return await self.press_component(user, message, component, guild=guild)
        raise LookupError(f"{user} was never shown a '{action}' button")

    async def press_component(self, user: str, message: dict[str, Any],
                              component: dict[str, Any], value: str = "",
                              guild: str | None = None) -> str:
        return await self.send(self.press_payload(user, message, component, value, guild))

    def press_payload(self, user: str, message: dict[str, Any], component: dict[str, Any],
                      value: str = "", guild: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"custom_id": component["custom_id"],
                                "component_type": component["type"]}
        if component["type"] == 3:
            data["values"] = [value or component["options"][0]["value"]]
        return self._interaction(user, 3, data, guild, message=message)

    def last_modal(self, user: str) -> dict[str, Any]:
        for call in reversed(self.fake.called("POST", "/interactions/")):
            token = call.path.split("/")[3]
            if self.tokens.get(token) == user and call.body.get("type") == 9:
                return dict(call.body["data"])
        raise LookupError(f"no modal was opened for {user}")

    async def submit(self, user: str, values: dict[str, str]) -> str:
        """Fill in the newest modal opened for ``user`` (defaults kept) and submit it."""
        shown = self.last_modal(user)
        rows = []
        for row in shown["components"]:
            if row["type"] == 18:  # a label around a select
                select = row["component"]
                given = values.get(select["custom_id"])
                chosen = given or next((o["value"] for o in select["options"]
                                        if o.get("default")), "")
                rows.append({"type": 18, "component": {
                    "type": 3, "custom_id": select["custom_id"],
                    "values": [chosen] if chosen else []}})
            else:
                field = row["components"][0]
                given = values.get(field["custom_id"])
                rows.append({"type": 1, "components": [{
                    "type": 4, "custom_id": field["custom_id"],
                    "value": given if given is not None else field.get("value") or ""}]})
        return await self.send(self._interaction(user, 5, {
            "custom_id": shown["custom_id"], "components": rows}))

    # -- reading -------------------------------------------------------------------------------
    def sent_to(self, user: str) -> list[tuple[Call, dict[str, Any]]]:
        """Every message the bot sent this person (DMs and interaction answers), in order,
        with the message object Discord made of it."""
        found = []
        for call in self.fake.calls:
            if call.method != "POST" and not call.path.endswith("@original"):
                continue
            token = ""
            if call.path.startswith("/webhooks/"):
                token = call.path.split("/")[3]
            if (call.path == f"/channels/{dm_channel(user)}/messages"
                    or self.tokens.get(token) == user):
                found.append((call, call.answer if isinstance(call.answer, dict) else {}))
        return found

    def texts(self, user: str) -> list[str]:
        lines = []
        for call, _ in self.sent_to(user):
            labels = [c.get("label") or c.get("placeholder") or ""
                      for c in components_of(call.body)]
            extra = ("\n" + "  ".join(f"[{label}]" for label in labels)) if labels else ""
            lines.append(re.sub("\u200b", "", str(call.body.get("content", ""))) + extra)
        return lines

    def last(self, user: str) -> str:
        texts = self.texts(user)
        return texts[-1] if texts else ""

    def everything(self, user: str) -> str:
        return "\n\n".join(self.texts(user))
