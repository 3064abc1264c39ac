"""The Slack app: slack-bolt's AsyncApp with CoachBot's listeners, translating and nothing more.

Every command, action and view is acknowledged first thing (Slack wants it within 3 s) and the
work happens after the ack. A retried event (the same event_id, with X-Slack-Retry-Num) is
claimed once in the database, so it has one effect even across replicas; the bot's own messages
and other bots' are ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners

from adapters.slack import inbound
from adapters.slack.channel import OPEN_FORM, PendingForms, SlackChannel, SlackNotifier
from adapters.slack.directory import Directory
from adapters.slack.files import FileFetcher
from adapters.slack.home import home_view
from adapters.slack.modals import CALLBACK, modal, uploads
from adapters.slack.oauth import installs
from adapters.slack.settings import SlackSettings
from adapters.slack.web import SlackWeb, conversation_client, delivery_client
from adapters.slack.workspaces import Workspaces
from coachbot.composition import Nudging, Services, build_conversation, build_nudging
from coachbot.conversation.vocabulary import Event, SharedFile
from coachbot.services.nudging.ratelimit import SLACK, RateLimiter, limiter_for
from coachbot.services.record.idempotency import claim

log = logging.getLogger("coachbot.slack")
Listener = Callable[..., Awaitable[None]]
COMMAND = "/coach"
HANDLED_SUBTYPES = (None, "file_share")
# How many people's requests are worked on at once after their acks. Acks never wait for a slot,
# so a burst is acknowledged at once and its work queues here instead of crowding the event loop
# (and the database pool) while other acks are still due.
WORK_SLOTS = 4


def slack_limiter(services: Services) -> RateLimiter:
    """Slack's published limits (coachbot.services.nudging.ratelimit.SLACK): about one message a
    second per channel (each person's DM is one) and a workspace-wide ceiling."""
    return limiter_for(SLACK, services.clock)


class SlackBot:
    """CoachBot in Slack: the conversation and nudge delivery, for one workspace on one bot
    token (``SLACK_BOT_TOKEN``) or for every workspace that installed it through OAuth."""

    def __init__(self, services: Services, settings: SlackSettings,
                 session: aiohttp.ClientSession | None = None) -> None:
        self.services, self.settings = services, settings
        token = settings.secret(settings.bot_token) or None
        self.web = SlackWeb(conversation_client(token, settings.base_url))
        # Replies and deliveries share one cache of DM channel ids: conversations.open is rate
        # limited too, and a person's DM channel never changes.
        self.delivery = SlackWeb(delivery_client(token, settings.base_url), dms=self.web.dms)
        self.oauth = installs(services, settings) if settings.oauth else None
        store = self.oauth.installation_store if self.oauth else None
        self.workspaces = Workspaces(services, store)
        self.directory = Directory(services)
        # One limiter for everything this process sends, so news after a turn (feedback ready)
        # and reminders share Slack's budget instead of each spending all of it.
        self.limiter = slack_limiter(services)
        self.conversation = build_conversation(
            services,
            SlackNotifier(self.web, self.directory, self.workspaces, strict=False),
            dispatcher=self.nudging(f"slack-turns-{socket.gethostname()}-{os.getpid()}").dispatcher,
        )
        self.forms = PendingForms()
        self._session = session
        self._inflight = 0
        self._slots = asyncio.Semaphore(WORK_SLOTS)
        self._quiet = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self._answering = 0
        self.app = AsyncApp(
            client=self.web.client,
            signing_secret=settings.secret(settings.signing_secret) or None,
            oauth_settings=self.oauth,
            # Listeners ack and hand their work to a task of ours (see _after_ack), so bolt
            # answers as soon as they return, with no polling for the ack.
            process_before_response=True,
            raise_error_for_unhandled_request=False,
        )
        self._register()

    def nudging(self, worker: str | None = None) -> Nudging:
        """The sweep and a dispatcher delivering through Slack within Slack's limits.

        Each process claims nudges under its own worker name, so replicas never finish each
        other's claims."""
        worker = worker or f"slack-{socket.gethostname()}-{os.getpid()}"
        # The same directory as the conversation's: one cache of DM channel ids per process,
        # since conversations.open is rate limited too.
        notifier = SlackNotifier(self.delivery, self.directory, self.workspaces, strict=True)
        return build_nudging(self.services, notifier, worker=worker, limiter=self.limiter)

    def _web(self, context: Any) -> SlackWeb:
        """The Web API as the workspace that sent this request: its own token when installed
        through OAuth, the one bot token otherwise."""
        if self.oauth is None:
            return self.web
        return self.web.for_token(context.get("bot_token") if context else None)

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def drain(self) -> None:
        """Wait until the work started after acks is done (for a clean stop, and for tests)."""
        async with self._quiet:
            await self._quiet.wait_for(lambda: self._inflight == 0)

    # -- listeners ------------------------------------------------------------------------
    def _register(self) -> None:
        self.app.command(COMMAND)(self._after_ack(self._on_command))
        self.app.action(re.compile(".+"))(self._after_ack(self._on_action))
        self.app.view(CALLBACK)(self._after_ack(self._on_view, answer=self._inline_errors))
        self.app.event("message")(self._after_ack(self._on_message))
        self.app.event("app_home_opened")(self._after_ack(self._on_home))
        if self.oauth is not None:  # bolt's own handlers delete the installation and tokens
            revoked = AsyncTokenRevocationListeners(self.oauth.installation_store)
            self.app.event("tokens_revoked")(
                self._after_ack(revoked.handle_tokens_revoked_events))
            self.app.event("app_uninstalled")(
                self._after_ack(revoked.handle_app_uninstalled_events))
        else:
            self.app.event("app_uninstalled")(self._on_uninstalled)
            self.app.event("tokens_revoked")(self._on_uninstalled)
        self.app.error(self._on_error)

    def _after_ack(self, listener: Listener,
                   answer: Callable[[dict[str, Any]], dict[str, str]] | None = None) -> Listener:
        """Ack at once, then do ``listener``'s work in a task of our own after the answer.

        With ``answer`` (a modal's fast checks), problems it finds go back in the ack itself,
        shown beside their fields in the still open modal, and there is no work to do."""

        @functools.wraps(listener)  # bolt reads the wrapped signature to pass its arguments
        async def run(**kwargs: Any) -> None:
            ack = kwargs.get("ack")
            if ack is not None:
                errors = answer(kwargs.get("body") or {}) if answer is not None else {}
                if errors:
                    await ack(response_action="errors", errors=errors)
                    return
                await ack()  # for a view: closes the modal; answers come as DMs
            self._inflight += 1  # counted before bolt answers, so drain() sees it
            task = asyncio.create_task(self._work(listener(**kwargs), kwargs.get("body")))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        return run

    @contextlib.asynccontextmanager
    async def answering(self) -> AsyncIterator[None]:
        """Around answering one HTTP request: work after acks waits while any ack is due."""
        self._answering += 1
        try:
            yield
        finally:
            self._answering -= 1
            async with self._quiet:
                self._quiet.notify_all()

    async def _work(self, work: Awaitable[None], body: dict[str, Any] | None) -> None:
        try:
            async with self._quiet:  # acks first: a burst is answered before its work starts
                await self._quiet.wait_for(lambda: self._answering == 0)
            await work
        except Exception:  # the conversation apologises itself; this is the adapter failing
            log.exception("slack work failed for %s", (body or {}).get("type"))
        finally:
            self._inflight -= 1
            async with self._quiet:
                self._quiet.notify_all()

    async def _on_command(self, ack: Any, body: dict[str, Any], context: Any) -> None:
        await self._handle(self._web(context), inbound.command(body), body["user_id"],
                           inbound.team_of(body), body.get("trigger_id"))

    async def _on_action(self, ack: Any, body: dict[str, Any], context: Any) -> None:
        web = self._web(context)
        user, team, trigger = body["user"]["id"], inbound.team_of(body), body.get("trigger_id")
        for action in body.get("actions", []):
            if action["action_id"].startswith(OPEN_FORM):
                await self._open_kept_form(web, action, user, trigger)
                continue
            await self._handle(web, inbound.button_press(body, action), user, team, trigger)
            trigger = None  # one trigger id per interaction
        if (body.get("view") or {}).get("type") == "home":  # pressed in App Home: show it anew
            async with self._slots:
                await web.publish_home(user, await home_view(self.conversation,
                                                             inbound.sender(user)))

    def _inline_errors(self, body: dict[str, Any]) -> dict[str, str]:
        return inbound.inline_errors(body, self.services.prompts, self.services.clock.now())

    async def _on_view(self, ack: Any, body: dict[str, Any], context: Any) -> None:
        web, user = self._web(context), body["user"]["id"]
        files: dict[str, tuple[SharedFile, ...]] = {}
        for name, items in uploads(body["view"]).items():
            if items:
                files[name] = await self._fetch(web, items, user)
                if len(files[name]) < len(items):  # the person was told; nothing half-handed in
                    return
        await self._handle(web, inbound.form_submission(body, files), user,
                           inbound.team_of(body), None)

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any],
                          context: Any) -> None:
        if (event.get("channel_type") != "im" or event.get("bot_id")
                or event.get("subtype") not in HANDLED_SUBTYPES or not event.get("user")):
            return
        if not await self._first_delivery(str(body.get("event_id") or "")):
            log.info("event %s arrived again: already handled", body.get("event_id"))
            return
        user, team, web = event["user"], inbound.team_of(body), self._web(context)
        files = await self._fetch(web, event.get("files") or [], user)
        await self._handle(web, inbound.direct_message(body, files), user, team, None)

    async def _on_home(self, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        if event.get("tab") != "home":
            return
        user, web = event["user"], self._web(context)
        async with self._slots:
            await self.directory.knows(web, inbound.team_of(body), user)
            await web.publish_home(user, await home_view(self.conversation,
                                                         inbound.sender(user)))

    async def _on_uninstalled(self, body: dict[str, Any]) -> None:
        # Single-workspace mode: the token is gone; Slack stops sending events. Multi-workspace
        # installs (OAuth) would delete the installation here.
        log.warning("CoachBot was uninstalled or its tokens revoked in %s", inbound.team_of(body))

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("slack listener failed for %s", body.get("type"), exc_info=error)

    # -- doing the work -------------------------------------------------------------------
    async def _handle(self, web: SlackWeb, event: Event, user: str, team: str,
                      trigger: str | None) -> None:
        channel = SlackChannel(web, user, trigger, self.forms, self.conversation.say)
        async with self._slots:
            try:
                await self.directory.knows(web, team, user)
            except Exception:  # matching by email is a convenience: the conversation still runs
                log.exception("could not match %s in %s", user, team)
            district = await self.directory.district_of(team)
            if district:  # the workspace's district: the person is found in it, never guessed
                event = dataclasses.replace(
                    event, sender=dataclasses.replace(event.sender, district=district)
                )
            await self.conversation.handle(event, channel)

    async def _open_kept_form(self, web: SlackWeb, action: dict[str, Any], user: str,
                              trigger: str | None) -> None:
        form = self.forms.take(str(action.get("value") or ""))
        if form is None or not trigger:
            channel = SlackChannel(web, user, None, self.forms, self.conversation.say)
            await channel.reply(self.conversation.say.reply("general.j2", "stale_button"))
            return
        await web.open_modal(trigger, modal(form))

    async def _first_delivery(self, event_id: str) -> bool:
        if not event_id:
            return True
        key = f"slack-event|{event_id}"
        async with self.services.db.write() as session:
            return await claim(session, key, self.services.clock.now()) is None

    async def _fetch(self, web: SlackWeb, shared: list[dict[str, Any]],
                     user: str) -> tuple[SharedFile, ...]:
        token = web.token or self.web.client.token or ""
        fetcher = FileFetcher(web, token, self.session)
        files, missed = [], []
        for item in shared:
            got = await fetcher.fetch(item)
            if got is None:
                missed.append(str(item.get("name") or item.get("id") or "?"))
            else:
                files.append(got)
        if missed:
            channel = SlackChannel(web, user, None, self.forms, self.conversation.say)
            await channel.reply(self.conversation.say.reply("slack.j2", "file_unreadable",
                                                            names=missed))
        return tuple(files)


