"""The core's replies as Block Kit: escaped, split and shortened to fit Slack's limits.

Every block is built with slack_sdk's models, whose ``to_dict`` checks Slack's limits (50 blocks a
message, 3000 characters a section, 75 a button label, 255 an action id...), so a payload that
Slack would refuse is caught here, never by Slack. Text is split at line boundaries rather than
cut, labels are shortened at a word with an ellipsis, and a reply longer than one message goes
out as several messages in order.

All text is escaped for Slack (``& < >``) and stripped of bidirectional controls, so nothing a
teacher typed can become ``<!channel>``, a user or group mention, a disguised ``<url|label>``
link, or text that reads backwards.
"""

from __future__ import annotations

import re

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    OverflowMenuElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks import Option as SlackOption

from coachbot.conversation.vocabulary import (
    Buttons,
    Context,
    Fields,
    Menu,
    Option,
    Reply,
    Style,
    Text,
)

MAX_BLOCKS = 50
SECTION_CHARS = 3000
FIELD_CHARS = 2000
FIELDS_PER_SECTION = 10
BUTTONS_PER_BLOCK = 25
LABEL_CHARS = 75
VALUE_CHARS = 2000
OPTION_VALUE_CHARS = 150
SELECT_OPTIONS = 100
OVERFLOW_OPTIONS = 5
FALLBACK_CHARS = 3000
ACTION_SEPARATOR = "|"  # action ids on Slack are "<core action id>|<position>": unique per message

# Right-to-left and left-to-right overrides, embeddings, isolates and marks: they can make a
# link or a name read differently from what it is.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
BULLET = re.compile(r"^- ", re.MULTILINE)


def clean(text: str) -> str:
    return BIDI.sub("", text)


def escape(text: str) -> str:
    """Text safe for Slack's mrkdwn: control characters for mentions and links are escaped."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(markup: str) -> str:
    """The core's safe markup (``*bold*``, ``_italic_``, ``- `` bullets) as escaped mrkdwn."""
    return BULLET.sub("• ", escape(markup))


def shorten(text: str, limit: int) -> str:
    """Fit ``text`` in ``limit`` characters, cutting at a word with an ellipsis when it must."""
    text = clean(text).strip() or "…"
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def chunks(text: str, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, at line breaks when it can."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # one line longer than a whole piece: cut it at a space
            if current:
                pieces.append(current)
                current = ""
            cut = line.rfind(" ", 0, limit)
            if cut <= limit // 2:  # no space to cut at: cut hard, never inside an &entity;
                amp = line.rfind("&", limit - 5, limit)
                cut = amp if amp > 0 else limit
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()] or ["…"]


def slack_action_id(action_id: str, position: int) -> str:
    suffix = f"{ACTION_SEPARATOR}{position}"
    return action_id[: 255 - len(suffix)] + suffix


def core_action_id(slack_id: str) -> str:
    return slack_id.rsplit(ACTION_SEPARATOR, 1)[0]


def option(choice: Option) -> SlackOption:
    return SlackOption(value=choice.value[:OPTION_VALUE_CHARS],
                       text=shorten(choice.label, LABEL_CHARS))


def _section_blocks(markup: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=piece))
            for piece in chunks(mrkdwn(markup), SECTION_CHARS)]


def _fields_blocks(block: Fields) -> list[Block]:
    texts = [
        piece
        for label, value in block.pairs
        for piece in chunks(f"*{escape(label)}*\n{escape(value)}", FIELD_CHARS)
    ]
    return [
        SectionBlock(fields=[MarkdownTextObject(text=t)
                             for t in texts[i : i + FIELDS_PER_SECTION]])
        for i in range(0, len(texts), FIELDS_PER_SECTION)
    ]


def _buttons_blocks(block: Buttons, counter: list[int]) -> list[Block]:
    out: list[Block] = []
    for i in range(0, len(block.buttons), BUTTONS_PER_BLOCK):
        elements = []
        for button in block.buttons[i : i + BUTTONS_PER_BLOCK]:
            counter[0] += 1
            elements.append(
                ButtonElement(
                    text=shorten(button.label, LABEL_CHARS),
                    action_id=slack_action_id(button.action_id, counter[0]),
                    value=button.value[:VALUE_CHARS] or None,
                    style=None if button.style is Style.DEFAULT else button.style.value,
                )
            )
        out.append(ActionsBlock(elements=elements))
    return out


def _menu_block(block: Menu, counter: list[int]) -> Block:
    counter[0] += 1
    action_id = slack_action_id(block.action_id, counter[0])
    options = [option(o) for o in block.options[:SELECT_OPTIONS]]
    if 2 <= len(options) <= OVERFLOW_OPTIONS:
        return ActionsBlock(elements=[OverflowMenuElement(action_id=action_id, options=options)])
    return ActionsBlock(
        elements=[
            StaticSelectElement(
                placeholder=shorten(block.placeholder, 150), action_id=action_id, options=options
            )
        ]
    )


def _context_blocks(block: Context) -> list[Block]:
    return [ContextBlock(elements=[MarkdownTextObject(text=piece)])
            for piece in chunks(mrkdwn(block.markup), FIELD_CHARS)]


def reply_blocks(reply: Reply) -> list[Block]:
    counter = [0]
    blocks: list[Block] = []
    for block in reply.blocks:
        if isinstance(block, Text):
            blocks.extend(_section_blocks(block.markup))
        elif isinstance(block, Fields):
            blocks.extend(_fields_blocks(block))
        elif isinstance(block, Buttons):
            blocks.extend(_buttons_blocks(block, counter))
        elif isinstance(block, Menu) and block.options:
            blocks.append(_menu_block(block, counter))
        elif isinstance(block, Context):
            blocks.extend(_context_blocks(block))
    return blocks


def messages(reply: Reply) -> list[dict[str, object]]:
    """The reply as one or more chat.postMessage bodies (``text`` and validated ``blocks``)."""
    blocks = [block.to_dict() for block in reply_blocks(reply)]  # to_dict validates each
    fallback = shorten(escape(reply.summary or reply.text), FALLBACK_CHARS)
    if not blocks:
        return [{"text": fallback}]
    return [
        {"text": fallback, "blocks": blocks[i : i + MAX_BLOCKS]}
        for i in range(0, len(blocks), MAX_BLOCKS)
    ]
