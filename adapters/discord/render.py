"""The core's replies as Discord messages: escaped, split and shortened to Discord's limits.

Discord's limits are declared here (content 2,000 characters; embeds 256 title, 4,096
description, 25 fields, 6,000 in all; 5 rows of 5 buttons, 80-character labels, 100-character
custom ids, 25 select options). A reply becomes message content (the core's ``*bold*`` as
Discord's ``**bold**``, bullets as ``•``, small print as ``-#`` subtext) split at paragraphs and
lines; its buttons and menus go under the last piece.

Everything a person typed is made inert before Discord sees it, besides ``AllowedMentions.none()``
on every send: ``@everyone``, ``@here``, ``<@user>``, ``<@&role>`` and ``<#channel>`` get a
zero-width space so they never render as mentions, ``[label](url)`` masked links show their
brackets literally (the real address stays visible), and bidirectional overrides are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import discord

from coachbot.conversation.vocabulary import Buttons, Context, Fields, Menu, Reply, Style, Text
from coachbot.platform.text import split_text

CONTENT_CHARS = 2000
EMBED_TITLE_CHARS = 256
EMBED_DESCRIPTION_CHARS = 4096
EMBED_FIELDS = 25
EMBED_TOTAL_CHARS = 6000
ROWS = 5
BUTTONS_PER_ROW = 5
LABEL_CHARS = 80
CUSTOM_ID_CHARS = 100
SELECT_OPTIONS = 25
OPTION_CHARS = 100
PLACEHOLDER_CHARS = 150

ZWSP = "\u200b"
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#|/)(\w)")
MASKED = re.compile(r"[\[\]]")
BULLET = re.compile(r"^- ", re.MULTILINE)
BOLD = re.compile(r"(?<![*\\])\*([^*\n]+)\*(?!\*)")
# Components' custom ids: "cb|<position>|<core action id>|<value>", parsed back by a
# discord.ui.DynamicItem in any process (after a restart, on another replica).
BUTTON_ID = r"cb\|(?P<position>[0-9]+)\|(?P<action>[^|]+)\|(?P<value>.*)"
MENU_ID = r"cm\|(?P<position>[0-9]+)\|(?P<action>[^|]+)"
STYLES = {Style.PRIMARY: discord.ButtonStyle.primary, Style.DANGER: discord.ButtonStyle.danger,
          Style.DEFAULT: discord.ButtonStyle.secondary}


def inert(text: str) -> str:
    """Text as Discord shows it but never acts on it: no mention, no masked link, no bidi."""
    text = BIDI.sub("", text)
    text = MENTION.sub(lambda m: (f"@{ZWSP}{m.group(1)}" if m.group(1)
                                  else f"<{ZWSP}{m.group(2)}{m.group(3)}"), text)
    return MASKED.sub(lambda m: "\\" + m.group(0), text)


def markdown(markup: str) -> str:
    """The core's safe markup as Discord markdown, made inert."""
    return BULLET.sub("• ", BOLD.sub(r"**\1**", inert(markup)))


def shorten(text: str, limit: int) -> str:
    text = BIDI.sub("", text).strip() or "…"
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def button_id(position: int, action: str, value: str) -> str:
    return f"cb|{position}|{action}|{value}"[:CUSTOM_ID_CHARS]


def menu_id(position: int, action: str) -> str:
    return f"cm|{position}|{action}"[:CUSTOM_ID_CHARS]


@dataclass
class Message:
    """One Discord message: its content and its components (buttons and menus)."""

    content: str
    items: list[discord.ui.Item[discord.ui.View]] = field(default_factory=list)

    def view(self) -> discord.ui.View | None:
        if not self.items:
            return None
        # Never dispatched through this view: every press is read back from its custom id by
        # the DynamicItems, so a short timeout only frees discord.py's memory of it.
        view = discord.ui.View(timeout=60)
        for item in self.items:
            view.add_item(item)
        return view


def _components(reply: Reply) -> list[discord.ui.Item[discord.ui.View]]:
    items: list[discord.ui.Item[discord.ui.View]] = []
    position = 0
    for block in reply.blocks:
        if isinstance(block, Buttons):
            for button in block.buttons:
                position += 1
                if position > ROWS * BUTTONS_PER_ROW:
                    break
                items.append(discord.ui.Button(
                    label=shorten(button.label, LABEL_CHARS), style=STYLES[button.style],
                    custom_id=button_id(position, button.action_id, button.value),
                    row=min((position - 1) // BUTTONS_PER_ROW, ROWS - 1)))
        elif isinstance(block, Menu) and block.options:
            position += BUTTONS_PER_ROW
            items.append(discord.ui.Select(
                custom_id=menu_id(position, block.action_id),
                placeholder=shorten(block.placeholder, PLACEHOLDER_CHARS),
                options=[discord.SelectOption(label=shorten(o.label, OPTION_CHARS),
                                              value=o.value[:OPTION_CHARS])
                         for o in block.options[:SELECT_OPTIONS]]))
    return items


def messages(reply: Reply) -> list[Message]:
    """The reply as one or more messages within Discord's limits, in order."""
    lines: list[str] = []
    for block in reply.blocks:
        if isinstance(block, Text):
            lines.append(markdown(block.markup))
        elif isinstance(block, Fields):
            lines.extend(f"**{inert(label)}**: {inert(value)}" for label, value in block.pairs)
        elif isinstance(block, Context):
            lines.append("\n".join(f"-# {line}" if line.strip() else line
                                   for line in markdown(block.markup).split("\n")))
    text = "\n".join(lines) or inert(reply.summary) or "…"
    pieces = [Message(piece) for piece in split_text(text, CONTENT_CHARS)]
    pieces[-1].items = _components(reply)
    return pieces
