"""The neutral vocabulary between the core and the chat adapters.

Incoming: a command with arguments, a button press, a form submission, a direct message (with any
files or links it carries). Outgoing: replies made of blocks (text in a small safe markup, fields,
buttons, menus) and forms with typed fields. Action ids are stable strings such as
``"approve"`` with a value such as ``"12.3"`` (pursuit 12 as seen at version 3; the values are
typed in ``coachbot.conversation.refs``), so a button still works after a restart and a stale
one is recognised as stale.

The safe markup is: ``*bold*``, ``_italic_``, ``- `` bullets, and line breaks; nothing else has
meaning. Replies carry no platform syntax at all, so an adapter escapes the whole text for its
platform (Slack: ``& < >``; Discord: no allowed mentions) and what a teacher typed can never become
a mass mention or a disguised link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum


@dataclass(frozen=True)
class Sender:
    platform: str  # "slack", "discord" or "local"
    user_id: str  # the platform's id for the person (for "local", their email)
    conversation_id: str = ""  # where to answer (a DM channel id, or "" for the direct one)
    # The district the platform speaks for, when it knows (the terminal's --district): the
    # same email may be on two districts' rosters, and is never guessed.
    district: str = ""


@dataclass(frozen=True)
class SharedFile:
    name: str
    size: int
    media_type: str
    sha256: str
    ref: str = ""  # the platform's handle for the file (a Slack file id, an attachment URL)
    # The first bytes of the content (up to 4 KiB), so the core can tell a file's type by what
    # it holds rather than by its name. Adapters fill it when they fetch the file.
    head: bytes = b""
    # The whole content, which the hand-in keeps in the evidence store so reviewers can open
    # it. Adapters fill it when they fetch the file (a file over the size limit comes without).
    content: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Command:
    sender: Sender
    name: str
    args: str = ""
    event_id: str = ""


@dataclass(frozen=True)
class ButtonPress:
    sender: Sender
    action_id: str
    value: str = ""
    event_id: str = ""


@dataclass(frozen=True)
class FormSubmission:
    sender: Sender
    form_id: str
    values: dict[str, str] = field(default_factory=dict)
    context: str = ""  # what the form was opened for, e.g. "12.3" (see conversation.refs)
    event_id: str = ""
    # The files given in the form's file fields, by field name (the adapter fetched them).
    files: dict[str, tuple[SharedFile, ...]] = field(default_factory=dict)
    # The form as the adapter showed it, when the adapter knows it (the terminal and the
    # driver keep it; Slack carries its limits in the modal): the core then checks each answer
    # against it and asks again for only the ones that need it, keeping the rest.
    form: Form | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class DirectMessage:
    sender: Sender
    text: str = ""
    files: tuple[SharedFile, ...] = ()
    event_id: str = ""


Event = Command | ButtonPress | FormSubmission | DirectMessage

# What no person means to send: C0 controls but tab and newline, DEL and C1 controls, the bidi
# overrides and isolates that make text read backwards, and lone surrogates (no database takes
# them). PostgreSQL refuses a NUL byte outright and SQLite would store it and echo it back.
UNSEEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff]"
)


def clean_text(text: str) -> str:
    """What a person typed, without the characters nobody types on purpose; line breaks are
    kept (a carriage return becomes a newline) and tabs too."""
    return UNSEEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _clean_file(shared: SharedFile) -> SharedFile:
    return replace(shared, name=clean_text(shared.name))


def cleaned(event: Event) -> Event:
    """The event with every text a person sent cleaned (``clean_text``): messages, command
    words and arguments, button values, form values and context, and file names. Applied once,
    where events enter the core, so every adapter gets it and nothing stored or echoed holds
    a control character."""
    if isinstance(event, DirectMessage):
        return replace(event, text=clean_text(event.text),
                       files=tuple(_clean_file(f) for f in event.files))
    if isinstance(event, Command):
        return replace(event, name=clean_text(event.name), args=clean_text(event.args))
    if isinstance(event, ButtonPress):
        return replace(event, value=clean_text(event.value))
    return replace(
        event,
        values={name: clean_text(value) for name, value in event.values.items()},
        context=clean_text(event.context),
        files={name: tuple(_clean_file(f) for f in items) for name, items in event.files.items()},
    )


# ---- outgoing -------------------------------------------------------------------------------


class Style(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Text:
    markup: str


@dataclass(frozen=True)
class Fields:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Action:
    """What a button does, declared once beside the handler that answers it. Its id is stable
    across restarts and releases: it is stored in messages people keep and press weeks later."""

    id: str


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str = ""
    style: Style = Style.DEFAULT
    # "yes" or "no" when the button answers a question asked just above it ("Revoke it?"):
    # where buttons are typed rather than clicked (the terminal), "yes please" or "cancel"
    # presses it, read by coachbot.conversation.choices.yes_or_no.
    means: str = ""


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True)
class Menu:
    placeholder: str
    action_id: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Context:
    markup: str  # small print under a message


Block = Text | Fields | Buttons | Menu | Context


PREVIEW = 150  # characters of a notification preview


def preview(markup: str, limit: int = PREVIEW) -> str:
    """The first line of ``markup``, cut on a word boundary with an ellipsis when it is
    longer than ``limit``: a notification never shows half a word ("move your plan, o")."""
    line = markup.strip().split("\n", 1)[0].strip()
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-(")
    return f"{cut}…"


@dataclass(frozen=True)
class Reply:
    blocks: tuple[Block, ...]
    # A short plain-text summary for notifications and screen readers.
    summary: str = ""

    @property
    def text(self) -> str:
        """The reply as plain text: what the terminal adapter prints and tests read."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Text | Context):
                lines.append(block.markup)
            elif isinstance(block, Fields):
                lines.extend(f"{label}: {value}" for label, value in block.pairs)
            elif isinstance(block, Buttons):
                lines.append("  ".join(f"[{b.label}]" for b in block.buttons))
            elif isinstance(block, Menu):
                lines.append(f"{block.placeholder}: " + ", ".join(o.label for o in block.options))
        return "\n".join(lines)


class FieldKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    DATE = "date"
    URL = "url"
    NUMBER = "number"
    FILE = "file"  # an upload; its files arrive in FormSubmission.files, not in values
    # A choice of a few zones that also takes any zone by a name people use ("central",
    # "CST", "Chicago"); see coachbot.conversation.zones.
    TIMEZONE = "timezone"


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind
    required: bool = True
    initial: str = ""
    hint: str = ""
    options: tuple[Option, ...] = ()
    # Limits checked before a form is accepted (coachbot.conversation.form_checks): words for
    # text, the range for a number.
    min_words: int | None = None
    max_words: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    # Why the answer given last time was not taken, shown beside the field when it is asked
    # again (coachbot.conversation.form_checks.ask_again).
    problem: str = ""
    # A date field that may not fall before an earlier date field's answer (a cohort's end
    # and its start): the earlier field's name, checked as this one is typed.
    not_before: str = ""
    # The same the other way: a date field that may not fall after an earlier date field's
    # answer (a submission window and the cohort's end), checked as this one is typed.
    not_after: str = ""


@dataclass(frozen=True)
class Form:
    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str
    context: str = ""
    # Asked again: only these fields need an answer; the others keep their ``initial`` (what
    # the person answered before). Empty: every field is asked.
    ask: tuple[str, ...] = ()
