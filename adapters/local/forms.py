"""A form in the terminal, asked one field at a time.

Each answer is checked as it is typed (the core's checks, ``Check``), so a wrong one is asked
again at once, with what it takes, and nothing else typed is lost. A form asked again by the
core asks only the fields that need it (the core's pages, coachbot.conversation.form_pages, one
field each). "/cancel" at any field leaves the form unsent.

Ctrl-D is how a terminal ends typed input: in a multi-line field it ends that field, keeping
its lines, as an empty line does (a trial's comment was lost to it). At a field with nothing
typed on it, once the form holds answers, it asks first and leaves only when pressed again, so
a half-filled form is never thrown away by one key; with nothing answered yet it leaves at once.

Ctrl-C is pressed by reflex, to copy or to cancel a line (a trial's hand-in, two files and a
paragraph, was lost to it), so it is never harsher than Ctrl-D: once the form holds answers, or
the field holds lines, it asks first too. As in a shell, it drops only the line being typed
(readline clears it): in a multi-line field the lines entered before it are kept and the field
goes on. A second Ctrl-C, or at a one-line field Ctrl-D, pressed right after it leaves; at a
multi-line field's "... " Ctrl-D still ends the field, keeping it. Even with nothing answered in
the form yet, Ctrl-C asks first (the line it drops may be a long first answer). ``Closing`` (the
terminal closing) never asks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from adapters.local.files import shared_file
from coachbot.conversation.chatter import small_talk_kind
from coachbot.conversation.choices import label_of
from coachbot.conversation.form_checks import earlier_of, later_of
from coachbot.conversation.form_pages import form_pages, unasked
from coachbot.conversation.vocabulary import FieldKind, Form, FormField, SharedFile

Ask = Callable[[str], str]
T = TypeVar("T")
# A field, what was typed for it, how many files, and the label and answer of the earlier
# field it may not precede and of the one it may not pass -> (the value, what to fix or None).
Bound = tuple[str, str] | None
Check = Callable[[FormField, str, int, Bound, Bound], tuple[str, str | None]]
LEAVE_FORM = {"/cancel"}
# Leaving the chat from inside a form: like Ctrl-D, the goodbye says the form was not sent.
LEAVE_CHAT = {"/quit", "/exit"}
MAX_LINE = 40_000  # characters, as Slack takes in one message


class TooLong(ValueError):
    """A line longer than the terminal can take whole: said, never cut silently."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class FormLeft(Exception):
    """The person typed /cancel inside a form: it is not sent."""


class QuitTyped(EOFError):
    """The person leaves from inside a form at once, as they asked: they typed /quit, or pressed
    Ctrl-C again after being asked (the goodbye says the form was not sent). Ctrl-D is a plain
    EOFError and Ctrl-C a plain KeyboardInterrupt, and either may be asked about first."""


class Closing(KeyboardInterrupt):
    """The terminal is closing (SIGTERM: its window closed, ``kill``): the chat leaves at once,
    never asking first as it does for Ctrl-C, since nobody is there to answer."""


def _key(exc: BaseException) -> str:
    return "Ctrl-C" if isinstance(exc, KeyboardInterrupt) else "Ctrl-D"


def fill_form(
    form: Form, ask: Ask, write: Callable[[str], None], say: Callable[..., str], check: Check
) -> tuple[dict[str, str], dict[str, tuple[SharedFile, ...]]]:
    """Ask each field in turn (or, for a form asked again, only the fields that need it; the
    others keep what was answered); returns the values and the files given in file fields
    (asked as a path, like ``/file PATH``). An answer ``check`` refuses is asked again at once,
    with what to fix, and nothing else typed is lost."""
    write(say("form_heading", title=form.title))
    values = unasked(form)
    files: dict[str, tuple[SharedFile, ...]] = {}
    # The core's pages, one field each: the terminal asks a field at a time.
    fields = [field for page in form_pages(form, per_page=1) for field in page.fields]
    # Something typed in this form (or kept from when it was asked before): one Ctrl-D asks
    # before throwing it away.
    answered = bool(values)
    for field in fields:
        if field.hint:
            write(f"   {field.hint}")
        if field.kind is FieldKind.FILE:
            shared = _asked(lambda f=field: _file_field(f, ask, write, say, check),
                            form, field, answered, write, say)  # fmt: skip
            if shared is not None:
                files[field.name] = (shared,)
                answered = True
            continue
        if field.kind in (FieldKind.CHOICE, FieldKind.TIMEZONE) and field.options:
            for number, option in enumerate(field.options, start=1):
                write(f"   {number}. {option.label}")
        while True:
            typed = _asked(lambda f=field: _answer(f, form.title, ask, write, say),
                           form, field, answered, write, say)  # fmt: skip
            answered = answered or bool(typed)
            answer = typed or field.initial
            value, problem = check(
                field, answer, 0, earlier_of(form, field, values), later_of(form, field, values)
            )
            if problem is None:
                break
            write(f"   {problem}")
        values[field.name] = value
    return values, files


def _asked(
    asking: Callable[[], T], form: Form, field: FormField, answered: bool,
    write: Callable[[str], None], say: Callable[..., str],
) -> T:  # fmt: skip
    """One field's answer; Ctrl-D at it leaves the chat (EOFError) when nothing was answered
    in the form yet, and otherwise only when it or Ctrl-C is pressed again right after: the
    first says the form would be lost and asks the field again. Ctrl-C (KeyboardInterrupt)
    always asks first in a form: it is pressed by reflex, often on a long first answer typed
    and not yet entered (a trial's reflection paragraph was lost to one)."""
    warned = False
    while True:
        try:
            return asking()
        except (QuitTyped, Closing):
            raise
        except (EOFError, KeyboardInterrupt) as exc:
            if warned or (isinstance(exc, EOFError) and not answered):
                raise
            write("")
            write(say("eof_in_form", title=form.title, label=field.label, key=_key(exc)))
            warned = True


def _answer(field: FormField, form_title: str, ask: Ask, write: Callable[[str], None],
            say: Callable[..., str]) -> str:
    shown = label_of(field, field.initial) if field.initial else ""
    default = f" [{shown}]" if shown else ""
    multi = field.kind is FieldKind.LONG_TEXT
    if multi and "\n" in shown:
        # Several lines kept so far (a plan's milestones): shown one a line, kept with Enter,
        # so that changing one never loses the others unseen.
        write(say("kept_lines", lines=shown.splitlines()))
        default = " [the lines above]"
    prompt = say("field_prompt", label=field.label, default=default, multi=multi) + " "
    answer = whole(ask, prompt, write, say)
    if answer.strip().lower() in LEAVE_FORM:
        raise FormLeft
    if answer.strip().lower() in LEAVE_CHAT:
        raise QuitTyped
    if multi and answer:
        lines = [answer]
        warned = False  # Ctrl-C asked about just before: a second one leaves
        while True:
            try:
                line = whole(ask, "... ", write, say)
            except (QuitTyped, Closing):
                raise
            except EOFError:  # Ctrl-D ends the field as an empty line does: the lines are kept
                write("")
                break
            except KeyboardInterrupt:  # the line being typed is dropped; the others are kept
                if warned:
                    raise QuitTyped from None
                write("")
                write(say("interrupt_in_lines", title=form_title, label=field.label,
                          count=len(lines)))  # fmt: skip
                warned = True
                continue
            warned = False
            if not line:
                break
            # /cancel or /quit on a line of its own leaves, on any line, not only the first.
            if line.strip().lower() in LEAVE_FORM:
                raise FormLeft
            if line.strip().lower() in LEAVE_CHAT:
                raise QuitTyped
            lines.append(line)
        answer = "\n".join(lines)
    return answer


def _file_field(field: FormField, ask: Ask, write: Callable[[str], None],
                say: Callable[..., str], check: Check) -> SharedFile | None:
    while True:
        shared = ask_file(field.label, ask, write, say)
        _, problem = check(field, "", 0 if shared is None else 1, None, None)
        if problem is None:
            return shared
        write(f"   {problem}")


def whole(ask: Ask, prompt: str, write: Callable[[str], None], say: Callable[..., str]) -> str:
    """An answer read whole: one too long to read is refused with the limit, and asked again."""
    while True:
        try:
            return ask(prompt)
        except TooLong as exc:
            write(say("too_long", limit=exc.limit))


def ask_file(
    label: str, ask: Ask, write: Callable[[str], None], say: Callable[..., str]
) -> SharedFile | None:
    """A path to a file, asked again until it names one; an empty answer gives none."""
    while where := ask(say("file_prompt", label=label) + " ").strip():
        if where.lower() in LEAVE_FORM:
            raise FormLeft
        if where.lower() in LEAVE_CHAT:
            raise QuitTyped
        if small_talk_kind(where):  # "hi" at a file's prompt: not a path nobody has
            write(say("file_small_talk", label=label))
            continue
        shared = shared_file(where)
        if shared is not None:
            return shared
        write(say("no_such_file", path=where))
    return None


