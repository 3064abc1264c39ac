"""A page of the core's forms as a Discord modal, and a submitted modal back as plain values.

A modal holds at most 5 components, so forms are asked in pages (``KeptForms`` with
``per_page=5``); the modal's custom id carries the kept form's token and the page number,
so a submission is understood by any process. Text becomes a text input (a paragraph for long
text); a choice of up to 25 options a select inside a label; a longer choice a text input whose
placeholder names some options (the core's checks take a typed option or its number). Files are
not asked in a modal: people send them as a DM, as any evidence.
"""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.render import SELECT_OPTIONS, shorten
from coachbot.conversation.vocabulary import FieldKind, Form, FormField

MAX_INPUTS = 5
TITLE_CHARS = 45
LABEL_CHARS = 45
PLACEHOLDER_CHARS = 100
TEXT_CHARS = 4000
FORM_ID = r"cf\|(?P<token>[^|]+)\|(?P<page>[0-9]+)"


def form_custom_id(token: str, page: int) -> str:
    return f"cf|{token}|{page}"


def _input(field: FormField) -> discord.ui.Item[Any] | None:
    label = shorten(field.label, LABEL_CHARS)
    hint = " ".join(part for part in (field.problem, field.hint) if part)
    if field.kind is FieldKind.FILE:
        return None
    if field.kind in (FieldKind.CHOICE, FieldKind.TIMEZONE) and 0 < len(field.options) <= (
            SELECT_OPTIONS):
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=field.name[:100], required=field.required,
            min_values=1 if field.required else 0, max_values=1,
            options=[discord.SelectOption(label=shorten(o.label, 100), value=o.value[:100],
                                          default=o.value == field.initial)
                     for o in field.options])
        return discord.ui.Label(text=label, component=select,
                                description=shorten(hint, 100) if hint else None)
    placeholder = hint
    if field.kind in (FieldKind.CHOICE, FieldKind.TIMEZONE) and not placeholder:
        placeholder = ", ".join(o.label for o in field.options[:8])
    return discord.ui.TextInput(
        label=label, custom_id=field.name[:100], required=field.required,
        style=(discord.TextStyle.paragraph if field.kind is FieldKind.LONG_TEXT
               else discord.TextStyle.short),
        default=field.initial[:TEXT_CHARS] or None, max_length=TEXT_CHARS,
        placeholder=shorten(placeholder, PLACEHOLDER_CHARS) if placeholder else None)


def modal(page: Form, token: str, number: int) -> discord.ui.Modal:
    """Page ``number`` of a kept form as a modal (its own custom id says which)."""
    title = page.title if number <= 1 else f"{page.title} ({number})"
    # Its submission is read by the bot from the custom id in any process, so discord.py's own
    # memory of the modal only needs to outlive a moment (a modal left open is then forgotten).
    shown = discord.ui.Modal(title=shorten(title, TITLE_CHARS),
                             custom_id=form_custom_id(token, number), timeout=60)
    for field in page.fields[:MAX_INPUTS]:
        item = _input(field)
        if item is not None:
            shown.add_item(item)
    return shown


def submitted_values(data: dict[str, Any]) -> dict[str, str]:
    """Every answer of a modal submission's ``data``, by field name (nested labels and rows
    alike)."""
    values: dict[str, str] = {}

    def walk(component: dict[str, Any]) -> None:
        if "custom_id" in component and ("value" in component or "values" in component):
            chosen = component.get("values")
            value = component.get("value") if chosen is None else (chosen[0] if chosen else "")
            values[str(component["custom_id"])] = str(value or "")
        for child in component.get("components") or []:
            walk(child)
        if isinstance(component.get("component"), dict):
            walk(component["component"])

    for component in data.get("components") or []:
        walk(component)
    return values
