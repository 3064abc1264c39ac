"""The core's forms as Slack modals, and a submitted modal's state back as plain values.

Each form field is one input block whose ``block_id`` is the field's name; choices become radio
buttons (a rubric criterion's levels, yes/no) or a select when there are more than ten, dates a
date picker, links a URL input, numbers a number input, files a file input (Slack uploads the
file and the submission names it; the adapter fetches it as it does a file sent in a DM).
``private_metadata`` carries the form id, what the form was opened for and the fields' limits,
so a submission is understood, and checked before it is answered, after a restart too.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    NumberInputElement,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from adapters.slack.blocks import SELECT_OPTIONS, clean, option, shorten
from coachbot.conversation.form_checks import form_from_rules, rules
from coachbot.conversation.vocabulary import FieldKind, Form, FormField

CALLBACK = "coachbot_form"
VALUE = "value"
TITLE_CHARS = 24
MAX_MODAL_BLOCKS = 100
METADATA_CHARS = 3000
RADIO_OPTIONS = 10
INPUT_LABEL_CHARS = 2000
HINT_CHARS = 2000
INITIAL_TEXT_CHARS = 3000
MAX_FILES = 1


def _whole(number: float | None) -> int | None:
    return None if number is None else int(number)


def _element(field: FormField) -> Any:
    initial = clean(field.initial)
    if field.kind in (FieldKind.CHOICE, FieldKind.TIMEZONE):
        options = [option(o) for o in field.options[:SELECT_OPTIONS]]
        chosen = next((o for o in options if o.value == field.initial), None)
        if len(options) <= RADIO_OPTIONS:
            return RadioButtonsElement(action_id=VALUE, options=options, initial_option=chosen)
        return StaticSelectElement(action_id=VALUE, options=options, initial_option=chosen)
    if field.kind is FieldKind.DATE:
        try:
            day = date.fromisoformat(initial).isoformat() if initial else None
        except ValueError:
            day = None
        return DatePickerElement(action_id=VALUE, initial_date=day)
    if field.kind is FieldKind.URL:
        return UrlInputElement(action_id=VALUE, initial_value=initial or None)
    if field.kind is FieldKind.FILE:  # one file a part: Slack allows up to 10 MB each
        return FileInputElement(action_id=VALUE, max_files=MAX_FILES)
    if field.kind is FieldKind.NUMBER:
        return NumberInputElement(
            action_id=VALUE,
            is_decimal_allowed=False,
            initial_value=initial or None,
            min_value=_whole(field.min_value),
            max_value=_whole(field.max_value),
        )
    return PlainTextInputElement(
        action_id=VALUE,
        multiline=field.kind is FieldKind.LONG_TEXT,
        initial_value=initial[:INITIAL_TEXT_CHARS] or None,
    )


def _hint(field: FormField) -> Any:
    """What to fix (a form asked again), then the field's own hint; a date picker needs no
    typing instructions ("plain words work...")."""
    hint = "" if field.kind is FieldKind.DATE else field.hint
    said = " ".join(part for part in (field.problem, hint) if part)
    return shorten(said, HINT_CHARS) if said else None


def modal(form: Form) -> dict[str, Any]:
    """The form as a validated modal view (slack_sdk's View checks Slack's limits)."""
    blocks = [
        InputBlock(
            block_id=field.name[:255],
            label=shorten(field.label, INPUT_LABEL_CHARS),
            element=_element(field),
            optional=not field.required,
            hint=_hint(field),
        )
        for field in form.fields[:MAX_MODAL_BLOCKS]
    ]
    metadata = json.dumps({"form": form.form_id, "context": form.context, "rules": rules(form),
                           "title": form.title, "submit": form.submit_label})
    if len(metadata) > METADATA_CHARS:  # without the titles, a form can't be shown again
        metadata = json.dumps({"form": form.form_id, "context": form.context,
                               "rules": rules(form)})
    if len(metadata) > METADATA_CHARS:  # without the limits, the checks after the ack still run
        metadata = json.dumps({"form": form.form_id, "context": form.context})
    if len(metadata) > METADATA_CHARS:  # a context too long to carry cannot be understood later
        raise ValueError(f"form {form.form_id} context is over {METADATA_CHARS} characters")
    view = View(
        type="modal",
        callback_id=CALLBACK,
        title=shorten(form.title, TITLE_CHARS),
        submit=shorten(form.submit_label, TITLE_CHARS),
        blocks=blocks,
        private_metadata=metadata,
    )
    return view.to_dict()


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def _states(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    blocks = (view.get("state") or {}).get("values") or {}
    return {str(name): (actions or {}).get(VALUE) or {} for name, actions in blocks.items()}


def submitted(view: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    """(form id, context, values by field name) from a view_submission's view."""
    meta = _metadata(view)
    values = {name: _value_of(state) for name, state in _states(view).items()
              if state.get("type") != "file_input"}
    return str(meta.get("form", "")), str(meta.get("context", "")), values


def uploads(view: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The files given in each file input: Slack's file objects (an id, a name and where to
    fetch it with the bot token)."""
    found = {}
    for name, state in _states(view).items():
        if state.get("type") == "file_input":
            files = state.get("files") or []
            found[name] = [f for f in files if isinstance(f, dict) and f.get("id")]
    return found


def checked_form(view: dict[str, Any]) -> Form | None:
    """The submitted form as far as the checks before the ack need it (from the modal's own
    metadata); None for a modal that carried no limits."""
    meta = _metadata(view)
    return form_from_rules(str(meta.get("form", "")), meta.get("rules"),
                           title=str(meta.get("title") or ""),
                           submit=str(meta.get("submit") or ""),
                           context=str(meta.get("context") or ""))


def _value_of(state: dict[str, Any]) -> str:
    kind = state.get("type")
    if kind in ("radio_buttons", "static_select"):
        return str((state.get("selected_option") or {}).get("value") or "")
    if kind == "datepicker":
        return str(state.get("selected_date") or "")
    return str(state.get("value") or "")
