"""A local stand-in for Discord (aiohttp on 127.0.0.1, port 0): the REST API under ``/api/v10``
and the gateway websocket, answering as Discord does, so the real discord.py client runs
against it unchanged (``COACHBOT_DISCORD_API_URL``).

REST: every call is recorded with its JSON body (``payload_json`` of a multipart body too); with
``global_rate`` set, the bot's requests are held to it as Discord holds them (all but the
interaction endpoints), refused ones answered 429 and counted in ``refused``.
Gateway: HELLO, IDENTIFY -> READY, heartbeats and their ACKs, dispatches with sequence numbers
kept per session, so a dropped connection that RESUMEs gets every dispatch it missed. Any route
can be told to answer its next call with a 429 (``retry_after``, per route or global) or a 5xx.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = "900000000000000001"
BOT_ID = "900000000000000002"
GUILD = "800000000000000001"
TOKEN = "test-discord-bot-token"
HEARTBEAT_MS = 41250
DISCORD_EPOCH_MS = 1420070400000
# Interaction endpoints (callbacks, follow-ups through the webhook) are not counted toward the
# global limit, as Discord documents.
EXEMPT = ("/interactions/", "/webhooks/")


@dataclass
class Call:
    method: str
    path: str  # without /api/v10
    body: dict[str, Any]
    files: list[tuple[str, bytes]] = field(default_factory=list)
    answer: Any = None  # what the fake answered (the message Discord made of a post)
    at: float = field(default_factory=time.perf_counter)  # when it arrived


def as_json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON as Discord sends it: discord.py reads a body as JSON only when the content type is
    exactly ``application/json`` (no charset)."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


def user_object(user_id: str, name: str = "", bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name or f"user{user_id[-4:]}", "discriminator": "0",
            "global_name": name or None, "avatar": None, "bot": bot}


@dataclass
class FakeDiscord:
    calls: list[Call] = field(default_factory=list)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> channel object
    guild_channels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)  # path -> content
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Gateway: the session's dispatches by sequence number, for RESUME.
    sent: list[dict[str, Any]] = field(default_factory=list)
    identifies: int = 0
    resumes: int = 0
    heartbeats: int = 0
    _ws: web.WebSocketResponse | None = None
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _forced: dict[str, deque[tuple[int, float, bool]]] = field(
        default_factory=lambda: defaultdict(deque))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # Discord's global limit when set (requests a second, in any one-second window), on every
    # REST request of the bot but interactions' (EXEMPT): over it, a 429 with the global scope
    # and the seconds until the window frees.
    global_rate: float | None = None
    refused: int = 0
    _recent: deque[float] = field(default_factory=deque)
    url: str = ""
    base: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{path:.+}", self._attachment)
        app.router.add_route("*", "/api/v10/{path:.+}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        self.url = f"{self.base}/api/v10"
        self.guild_channels[GUILD] = [
            {"id": "700000000000000001", "type": 0, "name": "general", "guild_id": GUILD,
             "position": 0, "permission_overwrites": []},
            {"id": "700000000000000002", "type": 0, "name": "celebrations", "guild_id": GUILD,
             "position": 1, "permission_overwrites": []},
        ]
        return self.url

    async def stop(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def snowflake(self) -> str:
        """A new id with the current time in it, as Discord's are: discord.py reads an
        interaction's age (its 15-minute token) from its id."""
        millis = int(datetime.now(UTC).timestamp() * 1000) - DISCORD_EPOCH_MS
        return str((millis << 22) + next(self._ids))

    # -- steering -------------------------------------------------------------------------
    def answer_next(self, path_prefix: str, *, status: int = 429, retry_after: float = 1.0,
                    is_global: bool = False) -> None:
        """The next call whose path starts with ``path_prefix`` answers ``status``."""
        self._forced[path_prefix].append((status, retry_after, is_global))

    async def connected(self) -> None:
        await asyncio.wait_for(self._connected.wait(), 10)

    async def drop(self) -> None:
        """Drop the gateway connection as a network failure would (the client RESUMEs)."""
        self._connected.clear()
        if self._ws is not None:
            await self._ws.close(code=4000, message=b"dropped")
            self._ws = None

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch; kept in the session, so a client that resumes gets it too."""
        payload = {"op": 0, "t": event, "s": len(self.sent) + 1, "d": data}
        self.sent.append(payload)
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_json(payload)

    # -- reading --------------------------------------------------------------------------
    def called(self, method: str, prefix: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)]

    def message(self, channel_id: str, content: str, components: list[Any] | None = None,
                author: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        message = {
            "id": self.snowflake(), "channel_id": channel_id, "type": 0, "content": content,
            "author": author or user_object(BOT_ID, "CoachBot", bot=True),
            "timestamp": datetime.now(UTC).isoformat(), "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": False, "flags": 0,
            "components": components or [], **extra,
        }
        self.messages[message["id"]] = message
        return message

    # -- REST -----------------------------------------------------------------------------
    async def _body(self, request: web.Request) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            body: dict[str, Any] = {}
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(data)
                else:
                    files.append((part.filename or "", bytes(data)))  # type: ignore[union-attr]
            return body, files
        raw = await request.read()
        return (json.loads(raw) if raw else {}), []

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        now = time.perf_counter()  # when it arrived, before its body is read
        body, files = await self._body(request)
        for prefix, queue in self._forced.items():
            if path.startswith(prefix) and queue:
                status, retry_after, is_global = queue.popleft()
                self.calls.append(Call(request.method, path, body, files))
                if status == 429:
                    return as_json(
                        {"message": "You are being rate limited.", "retry_after": retry_after,
                         "global": is_global}, status=429,
                        headers={"Via": "1.1 google", "Retry-After": str(retry_after),
                                 "X-RateLimit-Scope": "global" if is_global else "user"})
                return as_json({"message": "Server error", "code": 0}, status=status)
        if self.global_rate and not path.startswith(EXEMPT):
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.global_rate:
                self.refused += 1
                wait = round(1.0 - (now - self._recent[0]), 3)
                return as_json({"message": "You are being rate limited.", "retry_after": wait,
                                "global": True}, status=429,
                               headers={"Via": "1.1 google", "X-RateLimit-Global": "true",
                                        "X-RateLimit-Scope": "global"})
            bisect.insort(self._recent, now)  # in arrival order, whichever body was read first
        self.calls.append(Call(request.method, path, body, files, at=now))
        answer = self._answer(request.method, path, body)
        self.calls[-1].answer = answer
        if answer is None:
            return as_json({"message": "404: Not Found", "code": 0}, status=404)
        if answer == "":
            return web.Response(status=204)
        return as_json(answer)

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> Any:
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return user_object(BOT_ID, "CoachBot", bot=True)
        if path == "/oauth2/applications/@me":
            return {"id": APP_ID, "name": "CoachBot", "description": "", "icon": None,
                    "bot_public": False, "bot_require_code_grant": False,
                    "owner": user_object("900000000000000009", "owner"), "verify_key": "k",
                    "flags": 0, "summary": "", "team": None}
        if path == "/gateway/bot":
            return {"url": self.base.replace("http", "ws") + "/gateway", "shards": 1,
                    "session_start_limit": {"total": 1000, "remaining": 999,
                                            "reset_after": 0, "max_concurrency": 1}}
        if parts[0] == "applications" and parts[-1] == "commands" and method == "PUT":
            return [{**c, "id": self.snowflake(), "application_id": APP_ID, "version": "1",
                     "default_member_permissions": None, "type": c.get("type", 1)}
                    for c in body]
        if parts[0] == "interactions" and parts[-1] == "callback":
            kind = int(body.get("type", 0))
            resource: dict[str, Any] = {"type": kind}
            if kind == 4:
                resource["message"] = self.message("0", body.get("data", {}).get("content", ""))
            return {"interaction": {"id": parts[1], "type": 2,
                                    "response_message_loading": kind == 5},
                    "resource": resource}
        if parts[0] == "webhooks":  # followups and the @original response
            message = self.message(body.get("channel_id", "0"), body.get("content", ""),
                                   body.get("components"), webhook_id=APP_ID)
            return message
        if path == "/users/@me/channels":
            recipient = str(body["recipient_id"])
            channel_id = "6" + recipient[1:]
            self.channels[channel_id] = {"id": channel_id, "type": 1, "last_message_id": None,
                                         "recipients": [user_object(recipient)]}
            return self.channels[channel_id]
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            return self.message(parts[1], body.get("content", ""), body.get("components"),
                                nonce=body.get("nonce"))
        if parts[0] == "guilds" and parts[-1] == "channels":
            return self.guild_channels.get(parts[1], [])
        if parts[0] == "channels" and len(parts) == 2:
            return self.channels.get(parts[1])
        return None

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        content = self.attachments.get(request.match_info["path"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content)

    # -- gateway --------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}})
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            op = payload.get("op")
            if op == 1:
                self.heartbeats += 1
                await ws.send_json({"op": 11})
            elif op == 2:
                self.identifies += 1
                self.sent.clear()
                self._ws = ws
                await self.dispatch("READY", {
                    "v": 10, "user": user_object(BOT_ID, "CoachBot", bot=True), "guilds": [],
                    "session_id": "session-1",
                    "resume_gateway_url": self.base.replace("http", "ws") + "/gateway",
                    "application": {"id": APP_ID, "flags": 0}, "shard": [0, 1],
                    "private_channels": [], "relationships": [],
                })
                self._connected.set()
            elif op == 6:
                self.resumes += 1
                self._ws = ws
                after = int(payload["d"].get("seq") or 0)
                for missed in self.sent[after:]:
                    await ws.send_json(missed)
                await ws.send_json({"op": 0, "t": "RESUMED", "s": len(self.sent), "d": {}})
                self._connected.set()
        return ws
