"""The Slack app: slack-bolt's AsyncApp with CoachBot's listeners, translating and nothing more.

Every command, action and view is acknowledged first thing (Slack wants it within 3 s) and the
work happens after the ack, in the core's ``TurnRunner``. A retried event (the same event_id,
with X-Slack-Retry-Num) is claimed once by the core (``first_delivery``), so it has one effect
even across replicas; the bot's own messages and other bots' are ignored.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners

from adapters.slack import inbound
from adapters.slack.channel import SlackChannel, SlackNotifier
from adapters.slack.directory import SlackEmails
from adapters.slack.files import FileFetcher
from adapters.slack.home import home_view
from adapters.slack.inbound import PLATFORM
from adapters.slack.modals import CALLBACK, MAX_MODAL_BLOCKS, modal, uploads
from adapters.slack.oauth import installs
from adapters.slack.platform import LIMITS
from adapters.slack.settings import SlackSettings
from adapters.slack.web import SlackWeb, conversation_client, delivery_client
from adapters.slack.workspaces import Workspaces
from coachbot.conversation.vocabulary import Event, SharedFile
from coachbot.platform.contract import (
    OPEN_FORM,
    Accounts,
    KeptForms,
    Nudging,
    Services,
    TurnRunner,
    build_conversation,
    build_nudging,
    first_delivery,
    limiter_for,
    opened,
    worker_name,
)

log = logging.getLogger("coachbot.slack")
Listener = Callable[..., Awaitable[None]]
COMMAND = "/coach"
HANDLED_SUBTYPES = (None, "file_share")


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
        self.accounts = Accounts(services, PLATFORM)
        self.workspaces = Workspaces(self.accounts, store)
        # One limiter for everything this process sends, so news after a turn (feedback ready)
        # and reminders share Slack's budget instead of each spending all of it.
        self.limiter = limiter_for(LIMITS, services.clock)
        self.conversation = build_conversation(
            services,
            SlackNotifier(self.web, self.accounts, self.workspaces),
            dispatcher=self.nudging(worker_name("slack-turns")).dispatcher,
        )
        # Slack's modals hold up to 100 inputs: CoachBot's forms always fit on one page.
        self.forms = KeptForms(services, PLATFORM, per_page=MAX_MODAL_BLOCKS)
        self.runner = TurnRunner(PLATFORM)
        self._session = session
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
        # Deliveries go through the client that retries nothing itself: the dispatcher
        # reschedules by its own rules and clock.
        notifier = SlackNotifier(self.delivery, self.accounts, self.workspaces)
        # People with a Slack id, and people with no platform id yet (found by email where
        # the district allows it); never someone only on another platform (Discord).
        return build_nudging(self.services, notifier, worker=worker or worker_name("slack"),
                             limiter=self.limiter, platform=PLATFORM, unlinked=True)

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
        await self.runner.drain()

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
        """Ack at once, then do ``listener``'s work in the core's runner after the answer.

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
            self.runner.start(listener(**kwargs), str((kwargs.get("body") or {}).get("type")))

        return run

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
        if not await first_delivery(self.services, PLATFORM, str(body.get("event_id") or "")):
            log.info("event %s arrived again: already handled", body.get("event_id"))
            return
        user, team, web = event["user"], inbound.team_of(body), self._web(context)
        files = await self._fetch(web, event.get("files") or [], user)
        await self._handle(web, inbound.direct_message(body, files), user, team, None)

    async def _on_home(self, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        if event.get("tab") != "home":
            return
        user, web = event["user"], self._web(context)
        await self.accounts.knows(inbound.team_of(body), user, SlackEmails(web))
        await web.publish_home(user, await home_view(self.conversation, inbound.sender(user)))

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
        event = await self.accounts.place(event, team, SlackEmails(web))
        await self.conversation.handle(event, channel)

    async def _open_kept_form(self, web: SlackWeb, action: dict[str, Any], user: str,
                              trigger: str | None) -> None:
        token, _ = opened(str(action.get("value") or ""))  # Slack's forms have one page
        form = await self.forms.take(token, user)
        if form is None or not trigger:
            channel = SlackChannel(web, user, None, self.forms, self.conversation.say)
            await channel.reply(self.conversation.say.reply("general.j2", "stale_button"))
            return
        await web.open_modal(trigger, modal(form))

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


