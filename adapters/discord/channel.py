"""The two ways the core speaks through Discord: answering the person (Channel) and reaching
others (Notifier).

An interaction's answers are its follow-ups (the interaction's token lasts 15 minutes; only the
person sees them when asked in a server); past the token, or for a direct message, they go to
the person's DM with the bot. A form cannot open after a defer (a modal must be the first
response to an interaction), so it is kept by the core (``KeptForms``) behind an "Open the form"
button, whose press answers with the modal itself. Every send has mentions off
(``AllowedMentions.none()``) besides the escaping in ``render``.

A person's DM channel is opened once (``DirectChannels``) and its id kept: discord.py keeps only
128 private channels, so with more people every DM would cost another request
(``POST /users/@me/channels``) that Discord counts toward its global limit of 50 a second.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

import aiohttp
import discord

from adapters.discord.render import messages
from coachbot.conversation.say import Say
from coachbot.conversation.vocabulary import Form, Reply
from coachbot.platform.contract import (
    Accounts,
    DeliveryFailed,
    KeptForms,
    RateLimited,
    delivery_key,
)

log = logging.getLogger("coachbot.discord")
NONE = discord.AllowedMentions.none()
NONCE_CHARS = 25
KEPT_DMS = 100_000  # DM channel ids kept (a DM channel's id never changes)


async def send(target: discord.abc.Messageable, reply: Reply, nonce: str = "") -> str:
    """Post ``reply`` (in as many messages as it takes); the last message's id. With
    ``nonce`` (an outbox key), Discord posts each piece once however often it is sent."""
    last = ""
    for number, piece in enumerate(messages(reply), 1):
        kwargs: dict[str, Any] = {"content": piece.content, "allowed_mentions": NONE}
        if (view := piece.view()) is not None:
            kwargs["view"] = view
        if nonce:
            kwargs["nonce"] = f"{nonce}.{number}"[-NONCE_CHARS:]
        sent = await target.send(**kwargs)
        last = str(sent.id)
    return last


def as_delivery_error(exc: Exception) -> Exception:
    """discord.py's failures as the core's: 429 -> RateLimited; a refusal that trying again
    cannot change (403: cannot DM this person; 404: no such user or channel) -> permanent."""
    if isinstance(exc, discord.RateLimited):
        return RateLimited(exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return RateLimited(float(getattr(exc, "retry_after", 1.0) or 1.0))
        return DeliveryFailed(f"discord_{exc.status}_{exc.code}",
                              permanent=exc.status in (400, 403, 404))
    return DeliveryFailed(type(exc).__name__)


class DirectChannels:
    """Each person's DM channel, opened once and its id kept (the least recently used forgotten
    beyond ``kept``). The open is a request Discord counts toward its global limit: it takes
    its slot of the limiter like any other (``pacing``)."""

    def __init__(self, client: discord.Client, kept: int = KEPT_DMS) -> None:
        self.client, self.kept = client, kept
        self._ids: OrderedDict[str, int] = OrderedDict()

    async def of(self, user_id: str) -> discord.PartialMessageable:
        channel_id = self._ids.get(user_id)
        if channel_id is None:
            channel_id = (await self.client.create_dm(discord.Object(int(user_id)))).id
        self.remember(user_id, channel_id)
        return self.client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    def remember(self, user_id: str, channel_id: int) -> None:
        self._ids[user_id] = channel_id
        self._ids.move_to_end(user_id)
        while len(self._ids) > self.kept:
            self._ids.popitem(last=False)

    def forget(self, user_id: str) -> None:
        self._ids.pop(user_id, None)


class DiscordChannel:
    def __init__(self, client: discord.Client, user_id: str, forms: KeptForms, say: Say, *,
                 interaction: discord.Interaction | None = None,
                 dm: discord.abc.Messageable | None = None,
                 dms: DirectChannels | None = None) -> None:
        self.client, self.user_id, self.forms, self.say = client, user_id, forms, say
        self.interaction, self._dm = interaction, dm
        self.dms = dms or DirectChannels(client)
        self.sent = 0

    async def dm(self) -> discord.abc.Messageable:
        if self._dm is None:
            self._dm = await self.dms.of(self.user_id)
        return self._dm

    async def reply(self, reply: Reply) -> None:
        self.sent += 1
        interaction = self.interaction
        if interaction is not None and not interaction.is_expired():
            private = interaction.guild_id is not None  # asked in a server: only they see it
            try:
                for piece in messages(reply):
                    kwargs: dict[str, Any] = {"content": piece.content, "allowed_mentions": NONE,
                                              "ephemeral": private}
                    if (view := piece.view()) is not None:
                        kwargs["view"] = view
                    await interaction.followup.send(**kwargs)
                return
            except discord.HTTPException as exc:
                if exc.status not in (401, 404):  # 401/404: the token is gone (15 minutes)
                    raise
                log.info("interaction %s expired; answering by DM", interaction.id)
                self.interaction = None  # the DM still reaches them
        await send(await self.dm(), reply)

    async def open_form(self, form: Form) -> None:
        await self.reply(await self.forms.offer(self.say, form, self.user_id))


class DiscordNotifier:
    """Reaches people by DM and district channels (by name or id) in the district's linked
    servers. Every failure is raised as the core's ``RateLimited`` or ``DeliveryFailed``."""

    def __init__(self, client: discord.Client, accounts: Accounts,
                 dms: DirectChannels | None = None) -> None:
        self.client, self.accounts = client, accounts
        self.dms = dms or DirectChannels(client)
        self._channels: dict[tuple[str, str], int] = {}

    async def to_person(self, person_id: int, reply: Reply) -> str | None:
        user_id = await self.accounts.account_of(person_id, None)
        if user_id is None or not user_id.isdigit():
            raise DeliveryFailed("no_discord_id", permanent=True)
        try:
            return await send(await self.dms.of(user_id), reply, delivery_key())
        except discord.NotFound as exc:  # the kept channel is gone: opened again next time
            self.dms.forget(user_id)
            raise as_delivery_error(exc) from exc
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as exc:
            raise as_delivery_error(exc) from exc

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        guilds = await self.accounts.workspaces_of_district(district_id)
        if not guilds:
            raise DeliveryFailed("no_discord_server", permanent=True)
        try:
            for guild in guilds:
                channel_id = await self._channel(guild, channel)
                if channel_id is None:
                    raise DeliveryFailed("no_such_channel", permanent=True)
                await send(self.client.get_partial_messageable(channel_id), reply,
                           delivery_key())
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as exc:
            raise as_delivery_error(exc) from exc

    async def _channel(self, guild: str, channel: str) -> int | None:
        """A channel named ``#celebrations`` (or given by id) in the server ``guild``."""
        name = channel.strip().lstrip("#")
        if name.isdigit():
            return int(name)
        if (guild, name) not in self._channels:
            for found in await self.client.http.get_all_guild_channels(int(guild)):
                if found.get("name") == name and found.get("type") in (0, 5):
                    self._channels[(guild, name)] = int(found["id"])
        return self._channels.get((guild, name))
