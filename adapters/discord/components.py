"""CoachBot's buttons and menus as discord.py ``DynamicItem``s: a press is read back from the
component's custom id (``render.BUTTON_ID``/``MENU_ID``), by whichever process receives it,
after a restart as before it, so nothing about a sent message is kept in memory."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord.render import BUTTON_ID, MENU_ID

if TYPE_CHECKING:
    from adapters.discord.app import DiscordBot


class CoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_ID):
    """Any button CoachBot sent, whenever and wherever it is pressed."""

    def __init__(self, button: discord.ui.Button[Any], action: str, value: str) -> None:
        super().__init__(button)
        self.action, self.value = action, value

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> CoreButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item, match["action"], match["value"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _bot(interaction).on_press(interaction, self.action, self.value)


class CoreMenu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=MENU_ID):
    """Any menu CoachBot sent: the chosen option's value is the press's value."""

    def __init__(self, select: discord.ui.Select[Any], action: str) -> None:
        super().__init__(select)
        self.action = action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> CoreMenu:
        assert isinstance(item, discord.ui.Select)
        return cls(item, match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values") or [""]
        await _bot(interaction).on_press(interaction, self.action, str(values[0]))


def _bot(interaction: discord.Interaction) -> DiscordBot:
    return interaction.client.coach  # type: ignore[attr-defined, no-any-return]
