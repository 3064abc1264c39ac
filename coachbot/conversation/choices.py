"""A typed answer to a choice, read the way a person means it.

People type what they see: the label ("Not yet"), in any case and spacing ("not  yet"), the
value a colleague told them ("not_yet"), the number the terminal showed beside it ("2"), or the
start of it ("prof"). Each is accepted when it points at exactly one option. A number that is
not shown, a word that fits no option ("maybe" for yes or no) and a start shared by two options
are refused with what is accepted, never stored as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from coachbot.conversation import zones
from coachbot.conversation.chatter import small_talk_kind
from coachbot.conversation.vocabulary import FieldKind, FormField, Option

key = zones.key
MIN_START = 3  # the shortest start of a label taken as that label (yes or no aside)
YES_NO = {
    **dict.fromkeys(("y", "yes", "yeah", "yep", "yup", "sure"), "yes"),
    **dict.fromkeys(("n", "no", "nope", "nah"), "no"),
}
# What people add to a yes or a no ("yes please", "no thanks"), and the words that mean "don't"
# at a question that acts ("cancel"): read only by yes_or_no, for a question's buttons.
# Words, compared without their spaces ("never mind", "keep it").
POLITE = frozenset(("please", "thanks", "thank", "you", "ok", "okay"))
CANCELS = frozenset(("cancel", "stop", "nevermind", "keepit"))


@dataclass(frozen=True)
class Refusal:
    """Why an answer was not taken: a message of prompts/forms.j2 and its params."""

    message: str
    params: dict[str, Any]


def choose(field: FormField, answer: str, *, numbered: bool = False) -> str | Refusal:
    """The value of the option ``answer`` means, or why it means none. ``numbered``: the
    options were shown with numbers, so "2" is the second."""
    options = field.options
    said = key(answer)
    for option in options:
        if said and said in (key(option.value), key(option.label)):
            return option.value
    yes_no = sorted(key(o.value) for o in options) == ["no", "yes"]
    chatter = small_talk_kind(answer)
    if chatter and not (yes_no and said in YES_NO):
        # "hi" at the time-zone question is a greeting, not a zone nobody knows: greet back
        # and ask the question again, with its choices.
        return Refusal(
            "small_talk",
            {"kind": chatter, "label": field.label, "labels": labels(options)[:8],
             "numbered": numbered, "zone": field.kind is FieldKind.TIMEZONE},
        )
    if field.kind is FieldKind.TIMEZONE and not answer.strip().isdecimal():
        zone = zones.resolve(answer)
        if zone is not None:
            return zone
    if answer.strip().removeprefix("#").isdecimal() and options:  # "2" or "#2"
        number = int(answer.strip().removeprefix("#"))
        if numbered and 1 <= number <= len(options):
            return options[number - 1].value
        return Refusal(
            "choice_number" if numbered else "choice_unknown",
            {"value": answer[:20], "count": len(options), "labels": labels(options)},
        )
    if said in YES_NO:
        if yes_no:  # "nope", "yeah": a yes or a no as people type it
            return next(o.value for o in options if key(o.value) == YES_NO[said])
        # "no" is never a start of "Not yet": a decision does not hang on a yes or a no.
        return Refusal(
            "choice_unknown",
            {"value": answer[:40], "labels": labels(options), "numbered": numbered},
        )
    # A start of one or two letters only for yes or no ("n"); elsewhere ("e" for Earned or
    # Exemplary?) it is too little to act on.
    short = len(said) < MIN_START and not yes_no
    starting = [o for o in options if said and not short and key(o.label).startswith(said)]
    if len(starting) == 1:
        return starting[0].value
    if len(starting) > 1:
        return Refusal("choice_ambiguous", {"value": answer[:40], "labels": labels(starting)})
    if field.kind is FieldKind.TIMEZONE:
        likely = zones.likely(answer)
        near = likely or labels(options)
        # "status" or "/help" typed while the form waits (a word like no zone): maybe a command.
        command = not likely and re.fullmatch(r"/?[a-z]+(?: \S+)?", answer.strip().lower())
        return Refusal(
            "timezone_unknown", {"value": answer[:60], "labels": near, "command": bool(command)}
        )
    return Refusal(
        "choice_unknown",
        {"value": answer[:40], "labels": labels(options), "numbered": numbered},
    )


def yes_or_no(answer: str) -> str | None:
    """"yes" or "no" when ``answer`` is plainly one ("y", "Yes please", "no, thanks", "cancel"),
    otherwise None: "yes but not this one" is no answer, and the question is not acted on."""
    words = key(answer).split()
    while len(words) > 1 and words[-1] in POLITE:
        words.pop()
    while len(words) > 1 and words[0] in POLITE:
        words.pop(0)
    said = "".join(words)
    if said in YES_NO:
        return YES_NO[said]
    return "no" if said in CANCELS else None


def labels(options: tuple[Option, ...] | list[Option]) -> list[str]:
    return [o.label or o.value for o in options]


def label_of(field: FormField, value: str) -> str:
    """What a person saw for ``value`` (an option's label), or the value itself."""
    return next((o.label for o in field.options if o.value == value and o.label), value)
