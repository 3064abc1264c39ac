"""Forms in pages: a form longer than a platform shows at once is asked a page at a time.

Platforms limit a form: a Discord modal holds at most 5 inputs, while a review with its rubric
has more; the terminal asks one field at a time. The core splits a form into pages the same way
for all of them (``form_pages``), and keeps what is already answered (``unasked``): a form asked
again asks only the fields that need it, the others keep their answer. Each page is a ``Form``
with the form's id and context, so the core's checks (coachbot.conversation.form_checks) run on
a page as on a whole form. ``form_to_json``/``form_from_json`` carry a form across a click
(coachbot.platform.forms keeps it in the database, never in one process's memory).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from coachbot.conversation.vocabulary import FieldKind, Form, FormField, Option


def asked(form: Form) -> tuple[FormField, ...]:
    """The fields to ask: all of them, or for a form asked again only those that need it."""
    return tuple(f for f in form.fields if not form.ask or f.name in form.ask)


def unasked(form: Form) -> dict[str, str]:
    """What a form asked again keeps without asking: the earlier answers (never files, which
    are handed in again or not at all)."""
    return {f.name: f.initial for f in form.fields
            if form.ask and f.name not in form.ask and f.kind is not FieldKind.FILE}


def form_pages(form: Form, per_page: int) -> tuple[Form, ...]:
    """The form's fields to ask, ``per_page`` at a time, in order; one page when they fit. A
    page of several is titled with its place ("Review · 2/3") so the person knows how far
    they are."""
    fields, per_page = asked(form), max(1, per_page)  # a page holds at least one field
    chunks = [fields[i : i + per_page] for i in range(0, len(fields), per_page)] or [()]
    if len(chunks) == 1:
        return (dataclasses.replace(form, fields=fields, ask=()),)
    return tuple(
        dataclasses.replace(form, title=f"{form.title} · {number}/{len(chunks)}",
                            fields=chunk, ask=())
        for number, chunk in enumerate(chunks, start=1)
    )


def form_to_json(form: Form) -> dict[str, Any]:
    return dataclasses.asdict(form)


def form_from_json(data: dict[str, Any]) -> Form:
    fields = tuple(
        FormField(**{**f, "kind": FieldKind(f["kind"]),
                     "options": tuple(Option(**o) for o in f.get("options") or ())})
        for f in data.get("fields") or ()
    )
    return Form(form_id=str(data["form_id"]), title=str(data.get("title") or ""),
                fields=fields, submit_label=str(data.get("submit_label") or ""),
                context=str(data.get("context") or ""), ask=tuple(data.get("ask") or ()))
