"""The conversation engine: identify the person, route the event, and never show a stack trace.

Before any handler runs, the rule its registration declared is checked (``authorization``): the
roles it is for and, when it names an object, that the person stands in one of the allowed
relations to it, inside their own district.

Domain errors become the friendly words in prompts/errors.j2. Anything unexpected is logged with
a reference id and the person gets a short apology with that id; the transaction it happened in
rolled back, so nothing half-written is stored.
"""

from __future__ import annotations

import difflib
import logging
import re
import uuid
from collections.abc import Awaitable, Callable

from coachbot.clock import Clock
from coachbot.conversation.authorization import Guard, NotYours, Rule
from coachbot.conversation.capabilities import UseCases
from coachbot.conversation.choices import yes_or_no
from coachbot.conversation.form_checks import ask_again, settle
from coachbot.conversation.registry import FormHandler, Registry
from coachbot.conversation.say import Say
from coachbot.conversation.turn import Channel, Me, Notifier, Turn
from coachbot.conversation.vocabulary import (
    ButtonPress,
    Command,
    DirectMessage,
    Event,
    FieldKind,
    Form,
    FormSubmission,
    Sender,
    cleaned,
)
from coachbot.domain.errors import DomainError, InvalidInput, NotFound
from coachbot.services.district import PeopleDirectory
from coachbot.services.reading import ReadModels

log = logging.getLogger("coachbot.conversation")
WORD = re.compile(r"^\s*/?([A-Za-z][\w-]*)\s*(.*)$", re.DOTALL)


Kick = Callable[[], Awaitable[object]]
Arrive = Callable[[int], Awaitable[object]]


class Conversation:
    """Turns events into answers. Built by the composition root with exactly what turns carry."""

    def __init__(
        self,
        *,
        people: PeopleDirectory,
        read: ReadModels,
        use: UseCases,
        clock: Clock,
        say: Say,
        notifier: Notifier,
        registry: Registry,
        guard: Guard,
        kick: Kick | None = None,
        arrive: Arrive | None = None,
    ) -> None:
        self.people = people
        self.read = read
        self.use = use
        self.clock = clock
        self.say = say
        self.notifier = notifier
        self.registry = registry
        self.guard = guard
        # A dispatch pass, run after a turn that queued news (a review's feedback): the outbox
        # row is already committed, so if this pass never runs, the scheduler's next one sends it.
        self.kick = kick
        # Delivery of what waits in the outbox for one person who just opened the chat.
        self.arrive = arrive

    async def identify(self, sender: Sender) -> Me:
        """The roster person behind a platform user; NotFound if the district has not added
        them."""
        return await self.people.identify(sender.platform, sender.user_id, sender.district)

    async def handle(self, event: Event, channel: Channel) -> None:
        event = cleaned(event)  # the core's edge: no control character gets further
        try:
            me = await self.identify(event.sender)
        except NotFound:
            await channel.reply(self.say.reply("general.j2", "not_in_roster"))
            return
        except DomainError as exc:  # on several districts' rosters: which one is never guessed
            await channel.reply(self.say.reply("errors.j2", exc.code, **exc.params))
            return
        except Exception as exc:
            await self._apologise(channel, exc, event)
            return
        commands = tuple(spec.name for spec in self.registry.available_to(me))
        turn = Turn(
            me, event, channel, self.notifier, self.say, self.clock, self.read, self.use, commands
        )
        try:
            await self._dispatch(turn)
            if turn.news:
                await self._kick()
        except DomainError as exc:
            if exc.params.get("hint") == "stale_value":  # a button's value from long ago
                await self._stale(turn)
            else:
                log.info("refused %s for person %s: %s", type(event).__name__, me.person_id, exc)
                params = {"tz": me.timezone, **exc.params}
                await channel.reply(self.say.reply("errors.j2", exc.code, **params))
        except Exception as exc:
            await self._apologise(channel, exc, event)
            return
        # Also after a refusal: "send" held back for a missing part is just when a file still
        # waiting to be told its part matters most.
        await self._after(turn)

    async def _dispatch(self, turn: Turn) -> None:
        event = turn.event
        if isinstance(event, Command):
            await self.run_command(turn, event.name, event.args)
        elif isinstance(event, ButtonPress):
            # Only a registered button action: a message-only or typed-only name pressed as a
            # button (a forged press) is an old button as far as anyone is told.
            handler = self.registry.actions.get(event.action_id)
            if handler is None:
                await self._stale(turn)
                return
            rule = self.registry.action_rules[event.action_id]
            if await self._allowed(turn, rule, event.value, event.action_id, "button"):
                await handler(turn, event.value)
        elif isinstance(event, FormSubmission):
            answers = self.registry.forms.get(event.form_id)
            if answers is None:
                await self._stale(turn)
                return
            rule = self.registry.form_rules[event.form_id]
            if await self._allowed(turn, rule, event.context, event.form_id, "form"):
                await self._submitted(turn, event, answers)
        elif isinstance(event, DirectMessage):
            await self._direct_message(turn, event)

    async def _after(self, turn: Turn) -> None:
        """What follows every turn of those it is for (a file still waiting for its part,
        asked about again); a failure here is logged, never shown in place of the answer."""
        after, rule = self.registry.after, self.registry.after_rule
        if after is None or rule is None or not rule.allows_role(turn.me):
            return
        try:
            await after(turn)
        except Exception:
            log.exception("after the turn of person %s", turn.me.person_id)

    async def _submitted(self, turn: Turn, event: FormSubmission, handler: FormHandler) -> None:
        """A form's answers, checked against the form as shown when the adapter knows it: a
        wrong answer (here, or one the handler refuses by its field) is asked again on its own,
        and every other answer is kept."""
        form = event.form
        if form is None:
            await handler(turn, event.values, event.context)
            return
        settled = settle(
            form, event.values, self.say.prompts, now=self.clock.now(),
            timezone=turn.me.timezone, files={n: len(f) for n, f in event.files.items()},
        )
        if settled.problems:
            await self._ask_again(turn, form, settled.values, settled.problems)
            return
        try:
            await handler(turn, settled.values, event.context)
        except InvalidInput as exc:
            names = {f.name for f in form.fields if f.kind is not FieldKind.FILE}
            name = exc.params.get("field")
            if name not in names:
                raise
            log.info("form %s: asking %s again (%s)", form.form_id, name, exc.params.get("hint"))
            params = {"tz": turn.me.timezone, **exc.params}
            problem = self.say.words("errors.j2", exc.code, **params).strip()
            # The answers that may be the one to change instead (the scores below passing
            # when "earned" was chosen), asked again as they were given.
            also = tuple(n for n in exc.params.get("also", ()) if n in names)
            await self._ask_again(turn, form, settled.values, {str(name): problem}, also)

    async def _ask_again(
        self,
        turn: Turn,
        form: Form,
        values: dict[str, str],
        problems: dict[str, str],
        also: tuple[str, ...] = (),
    ) -> None:
        labels = {f.name: f.label or f.name for f in form.fields}
        await turn.answer(
            "forms.j2",
            "ask_again",
            problems=[(labels.get(name, name), problem) for name, problem in problems.items()],
            kept=len(form.fields) > len(problems) + len(also),
            asked=len(set(problems) | set(also)),
        )
        if form.title:  # a form known only by its limits can't be shown again; the words stay
            await turn.open_form(ask_again(form, values, problems, also))

    def is_command(self, text: str) -> bool:
        """Whether ``text`` starts with a command's name ("status", "hand off 45"): a client
        that just closed an unanswered question reads the line on only if it is one, so a
        stray "3" or "hmm" gets the one closing note and not a second "I didn't catch that"."""
        match = WORD.match(text)
        if not match:
            return False
        word, _ = self.registry.joined(match.group(1).lower(), match.group(2))
        return self.registry.lookup(word) is not None

    async def run_command(self, turn: Turn, name: str, args: str) -> None:
        word = name.strip().lower().lstrip("/")
        if word in {"coach", ""}:  # "/coach status" arrives as command "coach", args "status"
            match = WORD.match(args)
            if not match:
                word, args = "help", ""
            else:
                word, args = match.group(1).lower(), match.group(2)
        word, args = self.registry.joined(word, args)
        spec = self.registry.lookup(word)
        if spec is None:
            if await self._small_talk(turn):
                return
            near = difflib.get_close_matches(word, list(turn.commands), n=3, cutoff=0.5)
            await turn.answer("general.j2", "unknown_command", word=word, near=near)
            return
        try:
            allowed = await self._allowed(turn, spec.rule, args, spec.name, "command")
        except NotYours as exc:
            if spec.missing is None or exc.params.get("missing") is None:
                raise
            await spec.missing(turn, int(exc.params["missing"]))
            return
        if allowed:
            await spec.handler(turn, args.strip())

    async def _allowed(self, turn: Turn, rule: Rule, raw: str, name: str, door: str) -> bool:
        """The rule, before the handler: False (after saying so) when the person's roles do
        not fit; ``NotYours`` raised when the object named is not theirs to touch."""
        if await self.guard.check(turn.me, rule, raw, action=name, door=door):
            return True
        if door == "command":
            await turn.answer(
                "general.j2",
                "not_your_command",
                command=name,
                roles=sorted(r.value for r in rule.roles),
            )
        else:
            await turn.answer(
                "general.j2", "not_your_button", roles=sorted(r.value for r in rule.roles)
            )
        return False

    async def _direct_message(self, turn: Turn, event: DirectMessage) -> None:
        match = WORD.match(event.text or "")
        if match:
            word, rest = self.registry.joined(match.group(1).lower(), match.group(2))
            spec = self.registry.lookup(word)
            if spec is not None and (not event.files or spec.takes_files):
                await self.run_command(turn, word, rest)
                return
        if not event.files and await self._small_talk(turn):
            return
        intake, rule = self.registry.message, self.registry.message_rule
        if (
            intake is not None
            and rule is not None
            and (event.files or "http" in (event.text or "") or ":" in (event.text or ""))
            and rule.allows_role(turn.me)
        ):
            await intake(turn)
            return
        for answer_rule, answered in self.registry.answers:
            if not event.files and answer_rule.allows_role(turn.me) and await answered(turn):
                return
        said = yes_or_no(event.text or "") if not event.files else None
        if said is not None:  # a "no" to no question: it did nothing, and is told so
            await turn.answer("general.j2", "no_question_waiting", said=said)
            return
        first = match.group(1).lower() if match else ""
        near = difflib.get_close_matches(first, list(turn.commands), n=3, cutoff=0.6)
        # Only those who hand in evidence hear how to (an admin's typo is not a hand-in).
        await turn.answer("general.j2", "did_not_understand", near=near,
                          evidence=rule is not None and rule.allows_role(turn.me))

    async def _stale(self, turn: Turn) -> None:
        """A button that is gone says so, and offers the current ones: the person's status
        (with its buttons), or for staff what waits for them now."""
        await turn.answer("general.j2", "stale_button", current=True)
        try:
            await self.run_command(turn, "status", "")
        except Exception as exc:  # the apology for a gone button has been said already
            log.warning("status after a stale button failed", exc_info=exc)

    async def _small_talk(self, turn: Turn) -> bool:
        chat = self.registry.small_talk
        return chat is not None and await chat(turn)

    async def opened(self, me: Me) -> None:
        """``me`` just opened the chat (a platform that reaches people only then, the terminal):
        what waits for them in the outbox is delivered now, through the notifier, oldest first.
        A failure leaves it waiting for the next time; the chat itself goes on."""
        if self.arrive is None:
            return
        try:
            await self.arrive(me.person_id)
        except Exception:
            log.exception("delivering what waited for person %s did not complete", me.person_id)

    async def _kick(self) -> None:
        if self.kick is None:
            return
        try:
            await self.kick()
        except Exception:  # the rows stay in the outbox; the next scheduled pass delivers them
            log.exception("dispatch after a turn did not complete")

    async def _apologise(self, channel: Channel, exc: BaseException, event: Event) -> None:
        reference = uuid.uuid4().hex[:8]
        log.error(
            "failed to handle %s from %s (reference %s)",
            type(event).__name__,
            event.sender.user_id,
            reference,
            exc_info=exc,
        )
        try:
            await channel.reply(self.say.reply("errors.j2", "internal", reference=reference))
        except Exception:  # the channel itself is down: the log has everything
            log.exception("could not send the apology (reference %s)", reference)
