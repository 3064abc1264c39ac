"""CoachBot in Discord: a discord.py client with CoachBot's handlers, translating and nothing more.

Every interaction is answered within Discord's 3 s first thing (a defer, or the modal itself for
an "Open the form" press) and the work happens after, in the core's ``TurnRunner``; answers
follow within the interaction's 15 minutes. Buttons and menus are ``DynamicItem``s read back
from their custom ids, and modals are read from their submission, so both work after a restart
and on another replica. Direct messages (conversation and evidence) are claimed once by the
core (``first_delivery``): a gateway replay after a RESUME has one effect.

No privileged intent: a bot receives the content of its own DMs without the message content
intent, and CoachBot reads nothing else.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import aiohttp
import discord
from discord import app_commands

from adapters.discord.channel import NONE, DirectChannels, DiscordChannel, DiscordNotifier
from adapters.discord.components import CoreButton, CoreMenu
from adapters.discord.inbound import PLATFORM, fetch, plain, sender
from adapters.discord.modals import FORM_ID, MAX_INPUTS, modal, submitted_values
from adapters.discord.pacing import paced
from adapters.discord.platform import LIMITS
from adapters.discord.settings import DiscordSettings
from coachbot.conversation.vocabulary import (
    ButtonPress,
    Command,
    DirectMessage,
    Event,
    FormSubmission,
    SharedFile,
)
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
    overview,
    worker_name,
)

log = logging.getLogger("coachbot.discord")
# /coach's subcommands (Discord allows 25 in a group); every other word of the core works typed
# in a DM, or as /coach help shows it.
SUBCOMMANDS = (
    "home", "help", "start", "status", "catalog", "show", "choose", "plan", "done", "draft",
    "send", "submit", "feedback", "badges", "files", "queue", "review", "approvals", "approve",
    "progress", "snooze", "mute", "unmute", "why", "privacy",
)


class CoachClient(discord.AutoShardedClient):
    """discord.py's client (sharded when Discord says so: ``GET /gateway/bot``), mentions off
    by default, waiting out only short 429s itself."""

    def __init__(self, bot: DiscordBot, settings: DiscordSettings,
                 trace: aiohttp.TraceConfig | None = None) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.dm_messages = True
        super().__init__(intents=intents, allowed_mentions=NONE,
                         max_ratelimit_timeout=settings.max_wait,
                         shard_count=settings.shard_count, shard_ids=settings.shards,
                         http_trace=trace)
        self.coach = bot
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(commands(bot))

    async def setup_hook(self) -> None:
        self.add_dynamic_items(CoreButton, CoreMenu)

    async def on_message(self, message: discord.Message) -> None:
        await self.coach.on_message(message)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            await self.coach.on_modal(interaction)


def commands(bot: DiscordBot) -> app_commands.Group:
    """``/coach`` and its subcommands, each taking the rest of the words as ``details``."""
    say = bot.services.prompts
    group = app_commands.Group(name="coach", description=say.render("discord.j2",
                                                                     "command_coach", p={}))
    for name in SUBCOMMANDS:
        group.add_command(_subcommand(bot, name, say.render("discord.j2", "command_sub",
                                                            p={"name": name})))
    return group


def _subcommand(bot: DiscordBot, name: str,
                description: str) -> app_commands.Command[Any, Any, Any]:
    async def run(interaction: discord.Interaction, details: str | None = None) -> None:
        await bot.on_command(interaction, name, details or "")

    return app_commands.Command(name=name, description=description, callback=run)


class DiscordBot:
    def __init__(self, services: Services, settings: DiscordSettings) -> None:
        self.services, self.settings = services, settings
        # discord.py reads its REST base from this class attribute and nowhere else.
        discord.http.Route.BASE = settings.base_url
        self.limiter = limiter_for(LIMITS, services.clock)
        # Every REST request takes a slot of the limiter's global window as it leaves.
        self.client = CoachClient(self, settings,
                                  paced(settings.base_url, self.limiter.wait_for_all))
        self.accounts = Accounts(services, PLATFORM)
        self.dms = DirectChannels(self.client)  # one DM channel per person, opened once
        self.notifier = DiscordNotifier(self.client, self.accounts, self.dms)
        self.conversation = build_conversation(
            services, self.notifier,
            dispatcher=self.nudging(worker_name("discord-turns")).dispatcher)
        self.forms = KeptForms(services, PLATFORM, per_page=MAX_INPUTS)
        self.runner = TurnRunner(PLATFORM)
        self.seen = 0  # direct messages read from the gateway (handled or found replayed)
        self.answered = 0  # interactions answered, their work handed to the runner

    def nudging(self, worker: str | None = None) -> Nudging:
        # Only people with a Discord id: Discord cannot find anyone by email.
        return build_nudging(self.services, self.notifier,
                             worker=worker or worker_name("discord"), limiter=self.limiter,
                             platform=PLATFORM)

    async def serve(self) -> None:
        """Log in and hold the gateway until cancelled."""
        async with self.client:
            await self.client.start(self.settings.token())

    async def aclose(self) -> None:
        await self.runner.stop(10)
        if not self.client.is_closed():
            await self.client.close()

    def channel(self, user: str, interaction: discord.Interaction | None = None,
                dm: discord.abc.Messageable | None = None) -> DiscordChannel:
        return DiscordChannel(self.client, user, self.forms, self.conversation.say,
                              interaction=interaction, dm=dm, dms=self.dms)

    # -- interactions -----------------------------------------------------------------------
    async def on_command(self, interaction: discord.Interaction, name: str, details: str) -> None:
        try:
            await self._on_command(interaction, name, details)
        finally:
            self.answered += 1

    async def on_press(self, interaction: discord.Interaction, action: str, value: str) -> None:
        try:
            await self._on_press(interaction, action, value)
        finally:
            self.answered += 1

    async def on_modal(self, interaction: discord.Interaction) -> None:
        try:
            await self._on_modal(interaction)
        finally:
            self.answered += 1

    async def _defer(self, interaction: discord.Interaction, *, thinking: bool) -> None:
        async with self.runner.answering():
            await interaction.response.defer(ephemeral=interaction.guild_id is not None,
                                             thinking=thinking)

    async def _on_command(self, interaction: discord.Interaction, name: str, details: str) -> None:
        await self._defer(interaction, thinking=True)
        user = str(interaction.user.id)
        channel = self.channel(user, interaction)
        if name == "home":
            self.runner.start(self._home(interaction, channel), "home")
            return
        event = Command(sender(user), "coach", plain(f"{name} {details}".strip()),
                        event_id=str(interaction.id))
        self.runner.start(self._turn(event, interaction, channel), "command")

    async def _on_press(self, interaction: discord.Interaction, action: str, value: str) -> None:
        user = str(interaction.user.id)
        if action == OPEN_FORM:  # a modal must be the first response: one quick read, then it
            token, number = opened(value)
            async with self.runner.answering():
                page = await self.forms.page(token, number, user)
                if page is not None:
                    await interaction.response.send_modal(modal(page, token, number))
                    return
                await interaction.response.send_message(
                    self.conversation.say.words("discord.j2", "form_gone"),
                    ephemeral=interaction.guild_id is not None, allowed_mentions=NONE)
            return
        await self._defer(interaction, thinking=False)
        event = ButtonPress(sender(user), action, value, event_id=str(interaction.id))
        self.runner.start(self._turn(event, interaction, self.channel(user, interaction)),
                          "button")

    async def _on_modal(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        found = re.fullmatch(FORM_ID, str(data.get("custom_id") or ""))
        if found is None:
            return
        await self._defer(interaction, thinking=False)
        user = str(interaction.user.id)
        self.runner.start(self._page(interaction, found["token"], int(found["page"]),
                                     submitted_values(data), user), "form")

    async def _page(self, interaction: discord.Interaction, token: str, number: int,
                    values: dict[str, str], user: str) -> None:
        channel = self.channel(user, interaction)
        answered = await self.forms.answer(token, number, {k: plain(v) for k, v in values.items()},
                                           user)
        say = self.conversation.say
        if answered is None:
            await channel.reply(say.reply("discord.j2", "form_gone"))
        elif not answered.done:
            await channel.reply(self.forms.next_page(say, token, answered))
        else:
            form = answered.form
            event = FormSubmission(sender(user), form.form_id, answered.values, form.context,
                                   event_id=f"{token}:{number}", form=form)
            await self._turn(event, interaction, channel)

    # -- direct messages ----------------------------------------------------------------------
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is not None:
            return
        try:
            if await first_delivery(self.services, PLATFORM, str(message.id)):
                self.runner.start(self._message(message), "message")
            else:
                log.info("message %s arrived again: already handled", message.id)
        finally:
            self.seen += 1

    async def _message(self, message: discord.Message) -> None:
        user = str(message.author.id)
        self.dms.remember(user, message.channel.id)  # their DM: known without opening it
        channel = self.channel(user, dm=message.channel)
        files: list[SharedFile] = []
        missed: list[str] = []
        for attachment in message.attachments:
            got = await fetch(attachment)
            if got is None:
                missed.append(attachment.filename)
            else:
                files.append(got)
        if missed:  # nothing half-handed in: the person sends it again
            await channel.reply(self.conversation.say.reply("discord.j2", "file_unreadable",
                                                            names=missed))
            return
        event = DirectMessage(sender(user), plain(message.content), tuple(files),
                              event_id=str(message.id))
        await self._turn(event, None, channel)

    # -- doing the work -------------------------------------------------------------------------
    async def _turn(self, event: Event, interaction: discord.Interaction | None,
                    channel: DiscordChannel) -> None:
        guild = str(interaction.guild_id) if interaction and interaction.guild_id else ""
        placed = await self.accounts.place(event, guild, None)
        await self.conversation.handle(placed, channel)
        if interaction is not None and isinstance(event, Command) and channel.sent == 0:
            await channel.reply(self.conversation.say.reply("discord.j2", "answered"))

    async def _home(self, interaction: discord.Interaction, channel: DiscordChannel) -> None:
        user = str(interaction.user.id)
        guild = str(interaction.guild_id or "")
        await self.accounts.knows(guild, user, None)
        replies = await overview(self.conversation, sender(user))
        if replies is None:
            await channel.reply(self.conversation.say.reply("discord.j2", "home_stranger"))
            return
        for reply in replies:
            await channel.reply(reply)
