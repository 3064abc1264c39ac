"""Checks of a submitted form's answers, the same on every platform.

Each answer is checked on its own and read as the person meant it (a choice by its label, its
value or the number shown beside it; a time zone by a name people use), so a wrong answer is
asked again on its own while every other answer is kept (``settle``, ``settle_field``,
``ask_again``). The terminal checks each field as it is typed, the core checks a whole
submission before its handler runs, and Slack runs the same checks before it answers:

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
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from coachbot.conversation.chatter import small_talk_kind
from coachbot.conversation.choices import Refusal, choose
from coachbot.conversation.dates import Refusal as DateRefusal
from coachbot.conversation.dates import read_day, spoken
from coachbot.conversation.vocabulary import FieldKind, Form, FormField, Option
from coachbot.domain.evidence import is_web_link
from coachbot.domain.precheck import words
from coachbot.prompts import Prompts

FAMILY = "forms.j2"


@dataclass(frozen=True)
class Settled:
    """A submission read field by field: the values as the handler takes them (a choice's
    value, a zone's name) and, by field name, what to fix in the person's words."""

    values: dict[str, str]
    problems: dict[str, str]


def settle(
    form: Form,
    values: Mapping[str, str],
    prompts: Prompts,
    *,
    now: datetime,
    timezone: str = "UTC",
    files: Mapping[str, int] | None = None,
    numbered: bool = False,
) -> Settled:
    """Every field's answer checked and read; values not in the form are passed on as given.
    ``files`` counts the files given in each file field (their content is checked later, once
    fetched); ``numbered``: choices were shown with numbers."""
    read = dict(values)
    problems: dict[str, str] = {}
    for field in form.fields:
        value, problem = settle_field(
            field, values.get(field.name) or "", prompts, now=now, timezone=timezone,
            file_count=(files or {}).get(field.name, 0), numbered=numbered,
            earlier=earlier_of(form, field, read), later=later_of(form, field, read),
        )
        if problem is None:
            if field.name in values or value:
                read[field.name] = value
        else:
            problems[field.name] = problem
    return Settled(read, problems)


def settle_field(
    field: FormField,
    answer: str,
    prompts: Prompts,
    *,
    now: datetime,
    timezone: str = "UTC",
    file_count: int = 0,
    numbered: bool = False,
    earlier: tuple[str, str] | None = None,
    later: tuple[str, str] | None = None,
) -> tuple[str, str | None]:
    """(the answer as the handler takes it, None) or (the answer as given, what to fix).
    ``earlier``: the label and answer of the field this date may not precede (``not_before``,
    found by ``earlier_of``); ``later``: of the one it may not pass (``not_after``,
    ``later_of``)."""
    value = answer.strip()
    if value and field.kind in (FieldKind.CHOICE, FieldKind.TIMEZONE) and (
        field.options or field.kind is FieldKind.TIMEZONE
    ):
        chosen = choose(field, value, numbered=numbered)
        if isinstance(chosen, Refusal):
            return value, prompts.render(FAMILY, chosen.message, p=chosen.params)
        return chosen, None
    found = _problem(field, value, file_count, now, timezone)
    if found is None and earlier is not None and value:
        found = _before(field, value, earlier, now, timezone)
    if found is None and later is not None and value:
        found = _after(field, value, later, now, timezone)
    if found is None:
        return answer, None  # a text goes on as typed (its handler reads it as before)
    message, params = found
    return answer, prompts.render(FAMILY, message, p=params)


def check(
    form: Form,
    values: Mapping[str, str],
    prompts: Prompts,
    *,
    now: datetime,
    timezone: str = "UTC",
    files: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Field name -> what to fix, in the person's words; empty when the form can go ahead."""
    return settle(form, values, prompts, now=now, timezone=timezone, files=files).problems


def ask_again(
    form: Form,
    values: Mapping[str, str],
    problems: Mapping[str, str],
    also: tuple[str, ...] = (),
) -> Form:
    """The form once more, asking only the fields in ``problems`` (each with what to fix) and
    those in ``also`` (answers that may be the one to change, offered as they were given),
    and keeping every other answer as given."""
    fields = tuple(
        replace(field, initial=_starting(field, values, problems),
                problem=problems.get(field.name, ""))
        for field in form.fields
    )
    asked = set(problems) | set(also)
    return replace(form, fields=fields, ask=tuple(f.name for f in fields if f.name in asked))


def _starting(field: FormField, values: Mapping[str, str], problems: Mapping[str, str]) -> str:
    """What a field asked again starts from: the answer given, except a wrong one that is no
    use to start from (a choice that is none, a date that is no date); a text is kept to be
    mended (one milestone line, a few words too many)."""
    given = values.get(field.name, "")
    if field.kind is FieldKind.FILE:
        return field.initial
    if field.name not in problems:
        return given
    texts = (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT)
    return given if field.kind in texts and given.strip() else field.initial


def earlier_of(
    form: Form, field: FormField, answers: Mapping[str, str]
) -> tuple[str, str] | None:
    """The label and answer of the earlier field ``field`` may not precede, once answered."""
    if not field.not_before or not answers.get(field.not_before, "").strip():
        return None
    before = next((f for f in form.fields if f.name == field.not_before), None)
    return (before.label, answers[field.not_before]) if before is not None else None


def later_of(form: Form, field: FormField, answers: Mapping[str, str]) -> tuple[str, str] | None:
    """The label and answer of the earlier-asked field ``field`` may not pass, once answered."""
    if not field.not_after or not answers.get(field.not_after, "").strip():
        return None
    after = next((f for f in form.fields if f.name == field.not_after), None)
    return (after.label, answers[field.not_after]) if after is not None else None


def _after(
    field: FormField, value: str, later: tuple[str, str], now: datetime, timezone: str
) -> tuple[str, dict[str, Any]] | None:
    """A day after the later field's (a submission window closing after its cohort ends):
    caught as it is typed, as a day before its start is, not when the form is sent."""
    day, last = read_day(value, timezone, now), read_day(later[1], timezone, now)
    if not isinstance(day, date) or not isinstance(last, date) or day <= last:
        return None
    return "date_after", {"label": field.label, "day": spoken(day), "later": spoken(last),
                          "later_label": later[0]}  # fmt: skip


def _before(
    field: FormField,
    value: str, earlier: tuple[str, str], now: datetime, timezone: str
) -> tuple[str, dict[str, Any]] | None:
    """A day before the earlier field's: caught as it is typed, not at the end of the form
    (a trial typed a cohort's end before its start and heard only after the last question)."""
    day, first = read_day(value, timezone, now), read_day(earlier[1], timezone, now)
    if not isinstance(day, date) or not isinstance(first, date) or day >= first:
        return None
    return "date_before", {"label": field.label, "day": spoken(day), "earlier": spoken(first),
                           "earlier_label": earlier[0]}  # fmt: skip


# Kinds whose answer is never a few words of chat.
ASKED_FOR = frozenset({FieldKind.DATE, FieldKind.URL, FieldKind.NUMBER})


def _problem(
    field: FormField, value: str, file_count: int, now: datetime, timezone: str
) -> tuple[str, dict[str, Any]] | None:
    if field.kind is FieldKind.FILE:
        return ("required_file", {}) if field.required and not file_count else None
    if not value:
        return ("required", {}) if field.required else None
    chatter = small_talk_kind(value)
    if chatter and (field.kind in ASKED_FOR or not field.required):
        # "hi" at a date, a link, a number or an optional line is a greeting, not the answer:
        # greet back and ask the question again (an optional one says it may stay empty).
        return "small_talk_field", {"kind": chatter, "label": field.label,
                                    "optional": not field.required,
                                    "date": field.kind is FieldKind.DATE}  # fmt: skip
    if field.kind is FieldKind.DATE:
        day = read_day(value, timezone, now)
        if isinstance(day, DateRefusal):  # "jan 32", or a day years away
            return day.message, day.params
        if day is None:
            return "date_unclear", {"value": value[:60]}
    if field.kind is FieldKind.URL and not is_web_link(value):
        return "url_bad", {"value": value[:60]}
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
        rule: dict[str, Any] = {"n": field.name, "k": field.kind.value, "l": field.label}
        if field.required:
            rule["r"] = 1
        if field.kind in (FieldKind.CHOICE, FieldKind.TIMEZONE):
            # An option whose label is its value travels once: a platform carries little.
            rule["o"] = [o.value if o.label == o.value else [o.value, o.label]
                         for o in field.options]
        if field.not_before:
            rule["nb"] = field.not_before
        if field.not_after:
            rule["na"] = field.not_after
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


def form_from_rules(
    form_id: str, carried: Any, *, title: str = "", submit: str = "", context: str = ""
) -> Form | None:
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
                    str(rule.get("l") or ""),
                    FieldKind(rule["k"]),
                    required=bool(rule.get("r")),
                    options=tuple(_option(v) for v in rule.get("o", ())),
                    min_words=rule.get("lw"),
                    max_words=rule.get("hw"),
                    min_value=rule.get("lv"),
                    max_value=rule.get("hv"),
                    not_before=str(rule.get("nb") or ""),
                    not_after=str(rule.get("na") or ""),
                )
            )
    except (KeyError, TypeError, ValueError):
        return None
    return Form(form_id, title, tuple(fields), submit, context)


def _option(carried: Any) -> Option:
    if isinstance(carried, list):
        value, label = carried
        return Option(str(label), str(value))
    return Option(str(carried), str(carried))
