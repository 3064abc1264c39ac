"""The two ways the core speaks through Slack: answering the person (Channel) and reaching
others (Notifier).

Answers always go to the person's DM with the bot, wherever they typed ``/coach``: evidence and
status are private. Forms open as modals with the interaction's trigger id, used at once (Slack
gives three seconds); when there is none (a typed "start"), the form is kept by the core
(``KeptForms``, in the database) and the person gets a button that opens it, since only a click
gives Slack's permission to open a modal.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError

from adapters.slack.directory import SlackEmails
from adapters.slack.modals import modal
from adapters.slack.web import SlackWeb, as_delivery_error, slack_error
from adapters.slack.workspaces import Workspaces
from coachbot.conversation.say import Say
from coachbot.conversation.vocabulary import Form, Reply
from coachbot.platform.contract import Accounts, DeliveryFailed, KeptForms

log = logging.getLogger("coachbot.slack")


class SlackChannel:
    def __init__(self, web: SlackWeb, user_id: str, trigger_id: str | None,
                 forms: KeptForms, say: Say) -> None:
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
        await self.reply(await self.forms.offer(self.say, form, self.user_id))


class SlackNotifier:
    """Reaches people by DM and district channels by name or id. Every failure is raised as
    the core's ``RateLimited`` or ``DeliveryFailed``: the core decides what it means."""

    def __init__(self, web: SlackWeb, accounts: Accounts, workspaces: Workspaces) -> None:
        self.web, self.accounts, self.workspaces = web, accounts, workspaces

    async def to_person(self, person_id: int, reply: Reply) -> str | None:
        try:
            web = await self.workspaces.for_person(self.web, person_id)
            if web is None:
                raise DeliveryFailed("no_slack_workspace", permanent=True)
            user_id = await self.accounts.account_of(person_id, SlackEmails(web))
            if user_id is None:
                raise DeliveryFailed("no_slack_id", permanent=True)
            return await web.post(await web.dm_channel(user_id), reply)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            raise as_delivery_error(exc) from exc

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        try:
            web = await self.workspaces.for_district(self.web, district_id)
            if web is None:
                raise DeliveryFailed("no_slack_workspace", permanent=True)
            await web.post(channel, reply)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            raise as_delivery_error(exc) from exc
