"""Fast checks of a submitted form, before the platform is answered.

Slack wants a modal's submission acknowledged within 3 s, and lets that answer carry a message
per field, shown in place while the modal stays open. These checks are pure (no database, no
network), so an adapter can run them before it answers: required fields, dates that can be read,
well-formed links, numbers in range, word limits. Deeper checks (a deadline inside the
submission window, the evidence pre-check) still run after the answer, as for any other event.

A form's limits travel with the modal (``rules`` / ``form_from_rules``), so a submission is
checked the same way after a restart or on another replica.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from coachbot.conversation.dates import parse_day
from coachbot.conversation.vocabulary import FieldKind, Form, FormField, Option
from coachbot.domain.evidence import is_web_link
from coachbot.domain.precheck import words
from coachbot.prompts import Prompts

FAMILY = "forms.j2"


def check(
    form: Form,
    values: Mapping[str, str],
    prompts: Prompts,
    *,
    now: datetime,
    timezone: str = "UTC",
    files: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Field name -> what to fix, in the person's words; empty when the form can go ahead.

    ``files`` counts the files given in each file field (their content is checked later, once
    fetched)."""
    problems: dict[str, str] = {}
    for field in form.fields:
        found = _problem(
            field,
            (values.get(field.name) or "").strip(),
            (files or {}).get(field.name, 0),
            now,
            timezone,
        )
        if found is not None:
            message, params = found
            problems[field.name] = prompts.render(FAMILY, message, p=params)
    return problems


def _problem(
    field: FormField, value: str, file_count: int, now: datetime, timezone: str
) -> tuple[str, dict[str, Any]] | None:
    if field.kind is FieldKind.FILE:
        return ("required_file", {}) if field.required and not file_count else None
    if not value:
        return ("required", {}) if field.required else None
    if field.kind is FieldKind.DATE and parse_day(value, timezone, now) is None:
        return "date_unclear", {"value": value[:60]}
    if field.kind is FieldKind.URL and not is_web_link(value):
        return "url_bad", {}
    if (
        field.kind is FieldKind.CHOICE
        and field.options
        and value not in {o.value for o in field.options}
    ):
        return "choice_unknown", {}
    if field.kind is FieldKind.NUMBER:
        return _number_problem(field, value)
    count = words(value)
    if field.min_words is not None and count < field.min_words:
        return "too_few_words", {"words": count, "min": field.min_words}
    if field.max_words is not None and count > field.max_words:
        return "too_many_words", {"words": count, "max": field.max_words}
    return None


def _number_problem(field: FormField, value: str) -> tuple[str, dict[str, Any]] | None:
    try:
        number = float(value)
    except ValueError:
        return "number_unclear", {"value": value[:20]}
    low, high = field.min_value, field.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        return "number_range", {"min": _plain(low), "max": _plain(high)}
    return None


def _plain(number: float | None) -> str | None:
    if number is None:
        return None
    return str(int(number)) if float(number).is_integer() else str(number)


# ---- the limits a modal carries ------------------------------------------------------------


def rules(form: Form) -> list[dict[str, Any]]:
    """What the checks need of each field, compactly (a platform limits how much it carries)."""
    out = []
    for field in form.fields:
        rule: dict[str, Any] = {"n": field.name, "k": field.kind.value}
        if field.required:
            rule["r"] = 1
        if field.kind is FieldKind.CHOICE:
            rule["o"] = [o.value for o in field.options]
        for key, limit in (
            ("lw", field.min_words),
            ("hw", field.max_words),
            ("lv", field.min_value),
            ("hv", field.max_value),
        ):
            if limit is not None:
                rule[key] = limit
        out.append(rule)
    return out


def form_from_rules(form_id: str, carried: Any) -> Form | None:
    """The form as far as the checks need it, from ``rules``; None if what came back is not
    understood (the deeper checks after the answer still run)."""
    if not isinstance(carried, list):
        return None
    fields = []
    try:
        for rule in carried:
            fields.append(
                FormField(
                    str(rule["n"]),
                    "",
                    FieldKind(rule["k"]),
                    required=bool(rule.get("r")),
                    options=tuple(Option("", str(v)) for v in rule.get("o", ())),
                    min_words=rule.get("lw"),
                    max_words=rule.get("hw"),
                    min_value=rule.get("lv"),
                    max_value=rule.get("hv"),
                )
            )
    except (KeyError, TypeError, ValueError):
        return None
    return Form(form_id, "", tuple(fields), "")
