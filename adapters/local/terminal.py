"""``coachbot chat --as EMAIL``: the same conversation in a terminal, against the same database.

Type a command ("status", "choose PA-01") or anything you would send the bot. Buttons are shown as
numbers: type the number to press one (or, to a question such as "Revoke it?", yes or no). Forms ask
one field at a time (adapters.local.forms; a wrong answer is asked again at once, "/cancel" leaves a
form unsent; a file field asks for a path). "/file PATH" shares a file as evidence ("/file PATH Part
name" says which part it is for); "verify PATH" and "recognize PATH" attach a credential file,
as Slack and Discord attach one to the message; "/quit" (or Ctrl-D, or Ctrl-C, at any prompt)
leaves, except that in a form Ctrl-D ends a multi-line answer, Ctrl-C in one clears only the line
being typed, and, once the form holds answers, either asks before leaving (adapters.local.forms).

Input is read in the main thread, between turns, never in a worker thread: a thread blocked in
``readline`` kept Ctrl-C waiting for Enter. In a real terminal GNU readline reads the line (it puts
the terminal in its own mode, so a long paste arrives whole instead of being cut at the kernel's
4,096-byte line limit); anything longer than ``MAX_LINE`` is refused with the limit said plainly.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import uuid
from collections.abc import Awaitable, Callable

from adapters.local.files import credential_file, file_and_caption
from adapters.local.forms import MAX_LINE, Ask, FormLeft, TooLong, fill_form
from coachbot.composition import Services, build_conversation
from coachbot.conversation.choices import key, yes_or_no
from coachbot.conversation.form_checks import settle_field
from coachbot.conversation.turn import Me
from coachbot.conversation.vocabulary import (
    Button,
    ButtonPress,
    Buttons,
    DirectMessage,
    Form,
    FormField,
    FormSubmission,
    Reply,
    Sender,
    preview,
)
from coachbot.domain.errors import DomainError
from coachbot.services.district import DistrictChoiceNeeded
from coachbot.services.nudging import WaitsForChat

TTY_LINE = 4_095  # what a terminal without readline keeps of one line (canonical mode)
NOTE_GIST = 40  # characters of a message for someone else, at least, in the note about it


class TerminalChannel:
    """Prints replies and keeps their buttons so a number can press one."""

    def __init__(self, write: Callable[[str], None], prompts_label: Callable[[str], str]) -> None:
        self.write = write
        self.label = prompts_label
        self.buttons: list[Button] = []
        self.forms: list[Form] = []
        self.fresh = True  # set at each new turn: the next buttons are numbered from 1
        # The yes and the no of the question the last turn asked ("Revoke it?"), by meaning:
        # a typed "yes please" or "cancel" presses one. Only the question just asked: a "yes"
        # typed after another command is not taken as the answer to an older question.
        self.answers: dict[str, Button] = {}

    async def reply(self, reply: Reply) -> None:
        # Numbers always refer to the newest buttons on screen: a turn that shows none (say,
        # the catalog after "join") leaves the last ones pressable, as they still read.
        if self.fresh and any(isinstance(block, Buttons) for block in reply.blocks):
            self.buttons.clear()
            self.fresh = False
        for block in reply.blocks:
            if isinstance(block, Buttons):
                for button in block.buttons:
                    self.buttons.append(button)
                    if button.means:
                        self.answers[button.means] = button
                    self.write(f"  [{len(self.buttons)}] {button.label}")
            else:
                self.write(Reply((block,)).text)
        self.write("")

    async def open_form(self, form: Form) -> None:
        self.forms.append(form)


class TerminalNotifier:
    """One person sits here: a message for them is shown in full, its buttons pressable. One for
    anyone else is not theirs to read; it waits in the outbox (``WaitsForChat``) and reaches that
    person when they open their own chat, and the sender reads a one-line note saying so."""

    def __init__(
        self,
        services: Services,
        write: Callable[[str], None],
        show: Callable[[Reply], Awaitable[None]],
    ) -> None:
        self.services = services
        self.write = write
        self.show = show
        self.here: int | None = None  # the person at this terminal, once the roster knows them
        self.arriving = False  # showing what waited for them: said once, above the first
        # Message ids are unique across sessions, as a platform's are: the weekly cap counts
        # distinct ids.
        self.session = uuid.uuid4().hex[:12]
        self.shown = 0
        self.width = shutil.get_terminal_size().columns  # 80 when it is not a terminal

    async def to_person(self, person_id: int, reply: Reply) -> str | None:
        if person_id != self.here:
            name = await self.services.read.person_name(person_id)
            self.write(self.note(name, reply))
            self.write("")
            raise WaitsForChat(person_id)  # the person it waits for, for the log
        if self.arriving and not self.shown:
            self.write(words(self.services, "while_away"))
        await self.show(reply)
        self.shown += 1
        return f"terminal-{self.session}-{self.shown}"

    def note(self, name: str, reply: Reply) -> str:
        """One line on the screen (a trial's sender read two or three for each action): who it
        is for, that it is kept for them, and the start of the message, cut on a word to fit
        the terminal's width, never shorter than ``NOTE_GIST`` characters."""
        before = words(self.services, "note_to_person", name=name, summary="")
        room = max(NOTE_GIST, self.width - len(before) - 2)  # a space, and the last column
        gist = preview(reply.summary or reply.text, room)
        return words(self.services, "note_to_person", name=name, summary=gist)

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        self.write(words(self.services, "channel_post", channel=channel, text=reply.text))


def words(services: Services, message: str, **params: object) -> str:
    return services.prompts.render("local.j2", message, p=params)


async def chat(
    services: Services, email: str, ask: Ask, write: Callable[[str], None], *, district: str = ""
) -> None:
    sender = Sender("local", email.strip().lower(), district=district.strip())
    channel = TerminalChannel(write, lambda name: services.prompts.render("labels.j2", name, p={}))
    notifier = TerminalNotifier(services, write, channel.reply)
    conversation = build_conversation(services, notifier, unlinked_only=True)
    opening = "start"
    timezone = "UTC"
    present: Me | None = None  # who sits here, once the roster knows them
    try:
        me = present = await conversation.identify(sender)
        timezone = me.timezone
        if not (await services.person_settings.view(me.person_id)).new:
            opening = "status"
        notifier.here = me.person_id
        # What others sent them while they were away comes first, oldest first, then their
        # status; its buttons are numbered on from these messages' own.
        notifier.arriving = True
        await conversation.opened(me)
        notifier.arriving = False
    except DistrictChoiceNeeded as exc:  # on two districts' rosters: ask, never guess
        write(services.prompts.render("errors.j2", exc.code, p=exc.params))
        return
    except DomainError:
        pass  # the conversation itself explains that the person is not in the roster
    # Event ids are unique across sessions and restarts, as a platform's are: a session that
    # numbered its events afresh would replay another session's outcomes.
    session = uuid.uuid4().hex[:12]

    def event_id(turn: int) -> str:
        return f"terminal-{session}-{turn}"

    def say(message: str, **p: object) -> str:
        return words(services, message, **p)

    def check(
        field: FormField, answer: str, file_count: int,
        earlier: tuple[str, str] | None = None, later: tuple[str, str] | None = None,
    ) -> tuple[str, str | None]:  # fmt: skip
        return settle_field(field, answer, services.prompts, now=services.clock.now(),
                            timezone=timezone, file_count=file_count, numbered=True,
                            earlier=earlier, later=later)  # fmt: skip

    # The goodbye names the very command that comes back: `--as` is required.
    back = {"email": sender.user_id, "district": sender.district}
    await conversation.handle(DirectMessage(sender, opening, (), event_id(0)), channel)
    turn = 0
    while True:
        filling: Form | None = None  # a form left half-filled is not sent: the goodbye says so
        try:
            while channel.forms:
                form = filling = channel.forms.pop(0)
                try:
                    values, files = fill_form(form, ask, write, say, check)
                except FormLeft:
                    write(say("form_left", title=form.title))
                    filling = None
                    continue
                filling = None
                turn += 1
                await conversation.handle(
                    FormSubmission(sender, form.form_id, values, form.context, event_id(turn),
                                   files, form=form),
                    channel,
                )
            line = ask("> ").strip()
        except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C, at any prompt: leave kindly
            write("")
            write(say("goodbye", unsent=filling.title if filling else None, **back))
            return
        except TooLong as exc:
            write(say("too_long", limit=exc.limit))
            continue
        turn += 1
        if line in {"/quit", "/exit", "quit", "exit"}:
            write(say("goodbye", **back))
            return
        number = line.removeprefix("#")  # "#2" is button 2, as "Request #2" is request 2
        if not line:
            continue  # an empty line leaves a question waiting as it was
        meant = channel.answers.get(yes_or_no(line) or "") or next(
            (b for b in channel.answers.values() if key(b.label) == key(line)), None
        )  # "yes please", "cancel", or the button's own words ("Yes, revoke it")
        waiting, channel.answers = channel.answers, {}
        presses = number.isdecimal() and 0 < int(number) <= len(channel.buttons)
        if meant is None and waiting and not presses:
            # Neither a yes nor a no to the question just asked ("Revoke it?"): it is closed,
            # said plainly, and its buttons go, so no later "no" or "1" is taken as its answer.
            # The line itself is then read on only if it is a command ("status"): a stray
            # "3" or "hmm" gets this one note, not a second "I didn't catch that" after it.
            write(say("question_left", yes=waiting["yes"].label if "yes" in waiting else ""))
            channel.buttons.clear()
            if not (line.startswith("/file") or conversation.is_command(line)):
                write("")
                continue
        if meant is not None:  # "yes please" or "cancel" to the question just asked
            event: object = ButtonPress(sender, meant.action_id, meant.value, event_id(turn))
            channel.buttons.clear()
        elif number.isdecimal() and 0 < int(number) <= len(channel.buttons):
            button = channel.buttons[int(number) - 1]
            event = ButtonPress(sender, button.action_id, button.value, event_id(turn))
            channel.buttons.clear()
        elif number.isdigit() and len(number) <= 2:  # a number no button on screen carries
            write(words(services, "no_such_button", number=number, count=len(channel.buttons)))
            continue
        elif line.strip() == "/file":  # the path left out: say how, send nothing
            write(words(services, "file_usage"))
            continue
        elif line.startswith("/file "):
            shared, caption = await asyncio.to_thread(file_and_caption, line[6:].strip())
            if shared is None:
                write(words(services, "no_such_file", path=line[6:]))
                continue
            event = DirectMessage(sender, caption, (shared,), event_id(turn))
        elif (handed := await asyncio.to_thread(credential_file, line)) is not None:
            command, path, credential = handed  # "verify ~/ana.json": the file, attached
            if credential is None:
                write(words(services, "no_such_file", path=path))
                continue
            event = DirectMessage(sender, command, (credential,), event_id(turn))
        elif line:
            event = DirectMessage(sender, line.lstrip("/"), (), event_id(turn))
        else:
            continue
        channel.fresh = True
        await conversation.handle(event, channel)  # type: ignore[arg-type]
        if present is not None:
            # What another chat (an admin's revocation, a reviewer's decision) sent them while
            # this one was open waits for them in the outbox: shown after each turn of theirs,
            # not only the next time they open the chat (a trial's teacher never saw it).
            await conversation.opened(present)


def terminal_ask(prompt: str) -> str:
    """One line from the person: EOFError on Ctrl-D, KeyboardInterrupt on Ctrl-C, TooLong for
    more than can be read whole."""
    if sys.stdin.isatty():
        # input() reads through readline only when the screen is a terminal too; otherwise
        # the kernel reads the line and keeps only its first TTY_LINE characters.
        whole = _readline() and sys.stdout.isatty()
        line = input(prompt)
        cut_at = MAX_LINE if whole else TTY_LINE
    else:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        line = line.rstrip("\n")
        cut_at = MAX_LINE
    if len(line) > MAX_LINE or len(line) >= cut_at:
        raise TooLong(min(cut_at, MAX_LINE))
    return line


def _readline() -> bool:
    """Whether GNU readline (or libedit) serves input(): it edits lines and reads long ones."""
    try:
        import readline  # noqa: F401
    except ImportError:
        return False
    return True
