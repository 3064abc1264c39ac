"""A local stand-in for Slack's Web API (aiohttp on 127.0.0.1, port 0), answering as Slack does.

It records every call (method, arguments, token), serves files for download behind the bot
token, and can be told to answer the next call to a method with an ``ok: false`` error, a 429
with Retry-After, or a 5xx. Only what CoachBot calls is implemented; anything else answers
``unknown_method`` as Slack would.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TEAM = "T0TESTVILLE"
BOT_USER = "U0COACHBOT"
BOT_ID = "B0COACHBOT"
TOKEN = "xoxb-test-token"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str


@dataclass
class Forced:
    status: int = 200
    error: str = ""
    retry_after: int | None = None


@dataclass
class FakeSlack:
    emails: dict[str, str] = field(default_factory=dict)  # Slack user id -> email
    files: dict[str, bytes] = field(default_factory=dict)  # file id -> content
    calls: list[Call] = field(default_factory=list)
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (file id, auth header)
    _codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    _file_objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    # Socket Mode: envelopes to send to the connected app, and the acks it sent back.
    envelopes: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    _forced: dict[str, deque[Forced]] = field(default_factory=lambda: defaultdict(deque))
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # Bot tokens Slack knows, and the workspace each belongs to; OAuth installs add to it.
    tokens: dict[str, str] = field(default_factory=lambda: {TOKEN: TEAM})
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/files/{file_id}/{name}", self._download)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/api/"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- steering ---------------------------------------------------------------------------
    def answer_next(self, method: str, *, status: int = 200, error: str = "",
                    retry_after: int | None = None, channel: str = "") -> None:
        """With ``channel``, only the next call that names that channel is answered so."""
        key = f"{method}>{channel}" if channel else method
        self._forced[key].append(Forced(status, error, retry_after))

    def file_url(self, file_id: str, name: str) -> str:
        return self.url.replace("/api/", f"/files/{file_id}/{name}")

    # -- reading what happened --------------------------------------------------------------
    async def wait_for(self, method: str, count: int = 1) -> list[Call]:
        """Wait until the bot has called ``method`` ``count`` times (work after an ack)."""
        async with self._changed:
            await self._changed.wait_for(lambda: len(self.called(method)) >= count)
        return self.called(method)

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posts_to(self, channel: str) -> list[Call]:
        return [c for c in self.called("chat.postMessage") if c.args.get("channel") == channel]

    # -- the API ----------------------------------------------------------------------------
    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        for key in ("blocks", "view", "attachments"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        auth = request.headers.get("Authorization", "")
        args = await self._args(request)
        self.calls.append(Call(method, args, auth.removeprefix("Bearer ")))
        async with self._changed:
            self._changed.notify_all()
        aimed = f"{method}>{args.get('channel', '')}"
        if self._forced[aimed] or self._forced[method]:
            forced = (self._forced[aimed] or self._forced[method]).popleft()
            headers = {"Retry-After": str(forced.retry_after)} if forced.retry_after else {}
            body = {"ok": False, "error": forced.error or "ratelimited"}
            if forced.status >= 500:
                return web.Response(status=forced.status, text="upstream trouble")
            return web.json_response(body, status=forced.status, headers=headers)
        if method != "oauth.v2.access" and auth.removeprefix("Bearer ") not in self.tokens:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        if method == "auth.test":
            return web.json_response(self._auth_test(auth.removeprefix("Bearer ")))
        return web.json_response(handler(args))

    def _auth_test(self, token: str) -> dict[str, Any]:
        return {"ok": True, "url": "https://testville.slack.example/", "team": "Testville",
                "user": "coachbot", "team_id": self.tokens[token], "user_id": BOT_USER,
                "bot_id": BOT_ID}

    def install(self, code: str, team: str, token: str) -> None:
        """The next OAuth exchange of ``code`` installs the app in ``team`` with ``token``."""
        self._codes[code] = (team, token)

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        found = self._codes.pop(str(args.get("code", "")), None)
        if found is None:
            return {"ok": False, "error": "invalid_code"}
        team, token = found
        self.tokens[token] = team
        return {"ok": True, "app_id": "A0COACH", "authed_user": {"id": "U0DEE0001"},
                "scope": "commands,chat:write", "token_type": "bot", "access_token": token,
                "bot_user_id": BOT_USER, "team": {"id": team, "name": "Second District"},
                "enterprise": None, "is_enterprise_install": False}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.url.replace("http://", "ws://").replace("/api/", "/socket")}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Slack's Socket Mode: hello, then each queued envelope, collecting the app's acks."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A0COACH"}})

        async def send() -> None:
            while True:
                await socket.send_json(await self.envelopes.get())

        sender = asyncio.create_task(send())
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(message.data))
                    async with self._changed:
                        self._changed.notify_all()
        finally:
            sender.cancel()
        return socket

    async def wait_for_acks(self, count: int) -> list[dict[str, Any]]:
        async with self._changed:
            await self._changed.wait_for(lambda: len(self.socket_acks) >= count)
        return self.socket_acks

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("users", ""))
        if user not in self.emails:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": "D" + user}}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not (channel.startswith(("D", "C", "#"))):
            return {"ok": False, "error": "channel_not_found"}
        ts = f"1790000000.{next(self._ts):06d}"
        return {"ok": True, "channel": channel, "ts": ts,
                "message": {"text": args.get("text", ""), "ts": ts, "bot_id": BOT_ID}}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return {"ok": True, "view": {**args["view"], "id": f"V{len(self.calls):06d}"}}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {**args["view"], "id": "VHOME"}}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user", ""))
        if user not in self.emails:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": {"id": user, "profile": {"email": self.emails[user]}}}

    def _users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).lower()
        for user, known in self.emails.items():
            if known.lower() == email:
                return {"ok": True, "user": {"id": user}}
        return {"ok": False, "error": "users_not_found"}

    def uploaded(self, file_id: str, name: str, data: bytes, mimetype: str) -> dict[str, Any]:
        """A file a person uploaded in a modal's file input, as Slack stores it and names it in
        the view_submission (the file object, private until fetched with the bot token)."""
        self.files[file_id] = data
        self._file_objects[file_id] = {
            "id": file_id, "name": name, "title": name, "mimetype": mimetype, "size": len(data),
            "url_private": self.file_url(file_id, name),
            "url_private_download": self.file_url(file_id, name),
        }
        return self._file_objects[file_id]

    def _files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        found = self._file_objects.get(str(args.get("file", "")))
        if found is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": found}

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        auth = request.headers.get("Authorization", "")
        self.downloads.append((file_id, auth))
        if auth.removeprefix("Bearer ") not in self.tokens or file_id not in self.files:
            return web.Response(status=404)  # Slack hides files from the unauthorised
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")
