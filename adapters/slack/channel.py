"""The two ways the core speaks through Slack: answering the person (Channel) and reaching
others (Notifier).

Answers always go to the person's DM with the bot, wherever they typed ``/coach``: evidence and
status are private. Forms open as modals with the interaction's trigger id, used at once (Slack
gives three seconds); when there is none (a typed "start"), the person gets a button that opens
the form, since only a click gives Slack's permission to open a modal.
"""

from __future__ import annotations

import logging
import secrets
from collections import OrderedDict

import aiohttp
from slack_sdk.errors import SlackApiError

from adapters.slack.directory import Directory
from adapters.slack.modals import modal
from adapters.slack.web import SlackWeb, as_delivery_error, slack_error
from adapters.slack.workspaces import Workspaces
from coachbot.conversation.say import Say
from coachbot.conversation.vocabulary import Button, Buttons, Form, Reply, Style, Text
from coachbot.services.nudging.dispatch import DeliveryFailed

log = logging.getLogger("coachbot.slack")
OPEN_FORM = "slack_open_form"  # the adapter's own action: open a kept form as a modal
FAMILY = "slack.j2"


class PendingForms:
    """Forms waiting for a click to open them (bounded; a lost one reads as a stale button)."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._forms: OrderedDict[str, Form] = OrderedDict()

    def keep(self, form: Form) -> str:
        token = secrets.token_urlsafe(12)
        self._forms[token] = form
        while len(self._forms) > self.size:
            self._forms.popitem(last=False)
        return token

    def take(self, token: str) -> Form | None:
        return self._forms.pop(token, None)


class SlackChannel:
    def __init__(self, web: SlackWeb, user_id: str, trigger_id: str | None,
                 forms: PendingForms, say: Say) -> None:
        self.web, self.user_id, self.trigger_id = web, user_id, trigger_id
        self.forms, self.say = forms, say

    async def reply(self, reply: Reply) -> None:
        await self.web.post(await self.web.dm_channel(self.user_id), reply)

    async def open_form(self, form: Form) -> None:
        trigger, self.trigger_id = self.trigger_id, None  # a trigger id works once
        if trigger:
            try:
                await self.web.open_modal(trigger, modal(form))
                return
            except SlackApiError as exc:  # expired_trigger_id: the button below still works
                log.info("views.open: %s", slack_error(exc))
        token = self.forms.keep(form)
        button = Button(self.say.words(FAMILY, "open_form_button"), OPEN_FORM, token,
                        Style.PRIMARY)
        await self.reply(Reply((Text(self.say.words(FAMILY, "open_form", title=form.title)),
                                Buttons((button,))), summary=form.title))


class SlackNotifier:
    """Reaches people by DM and district channels by name or id.

    ``strict`` is for the nudge dispatcher: failures are raised as RateLimited or DeliveryFailed
    so it reschedules or dead-letters. Otherwise (a celebration sent during someone else's turn)
    a failure is logged and the turn goes on: the award is already safely recorded.
    """

    def __init__(self, web: SlackWeb, directory: Directory, workspaces: Workspaces, *,
                 strict: bool) -> None:
        self.web, self.directory, self.workspaces = web, directory, workspaces
        self.strict = strict

    def _missing(self, reason: str, what: object) -> None:
        log.info("%s: nothing sent to %s", reason, what)
        if self.strict:
            raise DeliveryFailed(reason, permanent=True)

    async def to_person(self, person_id: int, reply: Reply) -> str | None:
        try:
            web = await self.workspaces.for_person(self.web, person_id)
            if web is None:
                self._missing("no_slack_workspace", f"person {person_id}")
                return None
            user_id = await self.directory.slack_id_of(web, person_id)
            if user_id is None:
                self._missing("no_slack_id", f"person {person_id}")
                return None
            return await web.post(await web.dm_channel(user_id), reply)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            if self.strict:
                raise as_delivery_error(exc) from exc
            log.warning("could not reach person %s: %s", person_id, exc)
            return None

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        try:
            web = await self.workspaces.for_district(self.web, district_id)
            if web is None:
                self._missing("no_slack_workspace", f"district {district_id}")
                return
            await web.post(channel, reply)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            if self.strict:
                raise as_delivery_error(exc) from exc
            log.warning("could not post to %s for district %s: %s", channel, district_id, exc)
