"""The command, button and form tables handlers register themselves in.

Every button names an ``Action``, declared once as a constant beside the handler that answers
it; ``Say.button`` takes only an ``Action``, and a test checks that every declared action is
registered, so no button can name something nobody answers.

Every registration declares its ``Rule`` (who may use it, on what; see ``authorization``): there
is no default, so a command, button or form registered without one fails as the registry is
built, and ``seal`` checks the whole table once more in the composition root.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from coachbot.conversation.authorization import Rule
from coachbot.conversation.turn import Me, Turn
from coachbot.conversation.vocabulary import Action
from coachbot.domain.roles import Role

__all__ = ["Action", "CommandSpec", "FormHandler", "Handler", "Registry"]

Handler = Callable[[Turn, str], Awaitable[None]]
FormHandler = Callable[[Turn, dict[str, str], str], Awaitable[None]]
MessageHandler = Callable[[Turn], Awaitable[None]]
# Small talk ("thanks!", "hi"): answers and returns True, or returns False for anything else.
ChatHandler = Callable[[Turn], Awaitable[bool]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: Handler
    roles: frozenset[Role] = frozenset()  # empty: anyone in the roster
    aliases: tuple[str, ...] = ()
    rule: Rule = field(default_factory=Rule)
    # Answers a typed number that names nothing ("approve 99"): with the person's own.
    missing: Callable[[Turn, int], Awaitable[None]] | None = None
    # A message starting with the command's word and carrying files goes to the command (a
    # credential handed in as a file), not to the evidence basket.
    takes_files: bool = False


@dataclass
class Registry:
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    actions: dict[str, Handler] = field(default_factory=dict)
    forms: dict[str, FormHandler] = field(default_factory=dict)
    # What a message that is not a command goes to (evidence for the basket), if anything.
    message: MessageHandler | None = None
    # What a message that is neither a command nor evidence is tried with before "I didn't
    # catch that": small talk.
    small_talk: ChatHandler | None = None
    # Plain words that may answer a question the bot asked ("lesson plan" for a waiting file),
    # each tried in turn, with its rule, before "I didn't catch that".
    answers: list[tuple[Rule, ChatHandler]] = field(default_factory=list)
    # The rule of each button action and form, checked by the engine before the handler runs.
    action_rules: dict[str, Rule] = field(default_factory=dict)
    form_rules: dict[str, Rule] = field(default_factory=dict)
    message_rule: Rule | None = None
    # What runs after every turn of the people its rule allows (a file waiting for its part is
    # asked about again), if anything; it never fails the turn it follows.
    after: MessageHandler | None = None
    after_rule: Rule | None = None
    sealed: bool = False

    def command(
        self,
        name: str,
        *roles: Role,
        rule: Rule,
        aliases: tuple[str, ...] = (),
        missing: Callable[[Turn, int], Awaitable[None]] | None = None,
        takes_files: bool = False,
    ) -> Callable[[Handler], Handler]:
        """A typed command for ``roles`` (none: anyone); ``rule`` says on what. Its roles are
        the command's own, so help lists it only to those it is for."""
        if rule.roles and set(rule.roles) != set(roles):
            raise ValueError("command_roles_differ", name)  # a programming error
        rule = dataclasses.replace(rule, roles=frozenset(roles))

        def register(handler: Handler) -> Handler:
            self._open()
            self.commands[name] = CommandSpec(
                name, handler, frozenset(roles), aliases, rule, missing, takes_files
            )
            for alias in aliases:
                self.aliases[alias] = name
            return handler

        return register

    def action(self, action: Action, *, rule: Rule) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._open()
            if action.id in self.actions:
                raise ValueError("duplicate_action", action.id)  # a programming error
            self.actions[action.id] = handler
            self.action_rules[action.id] = _checked(rule, action.id)
            return handler

        return register

    def form(self, form_id: str, *, rule: Rule) -> Callable[[FormHandler], FormHandler]:
        def register(handler: FormHandler) -> FormHandler:
            self._open()
            self.forms[form_id] = handler
            self.form_rules[form_id] = _checked(rule, form_id)
            return handler

        return register

    def on_message(self, *, rule: Rule) -> Callable[[MessageHandler], MessageHandler]:
        def register(handler: MessageHandler) -> MessageHandler:
            self._open()
            self.message = handler
            self.message_rule = _checked(rule, "message")
            return handler

        return register

    def after_turn(self, *, rule: Rule) -> Callable[[MessageHandler], MessageHandler]:
        def register(handler: MessageHandler) -> MessageHandler:
            self._open()
            self.after = handler
            self.after_rule = _checked(rule, "after_turn")
            return handler

        return register

    def seal(self) -> None:
        """Check that every command, button and form has its rule, then allow no more: the
        composition root calls it once everything is registered."""
        missing = [name for name, spec in self.commands.items() if not isinstance(spec.rule, Rule)]
        missing += [a for a in self.actions if not isinstance(self.action_rules.get(a), Rule)]
        missing += [f for f in self.forms if not isinstance(self.form_rules.get(f), Rule)]
        if self.message is not None and self.message_rule is None:
            missing.append("message")
        if self.after is not None and self.after_rule is None:
            missing.append("after_turn")
        if missing:
            raise ValueError("registered_without_rule", missing)  # a programming error
        self.sealed = True

    def _open(self) -> None:
        if self.sealed:
            raise ValueError("registry_sealed")  # a programming error

    def on_answer(self, *, rule: Rule) -> Callable[[ChatHandler], ChatHandler]:
        def register(handler: ChatHandler) -> ChatHandler:
            self.answers.append((_checked(rule, "answer"), handler))
            return handler

        return register

    def on_small_talk(self, handler: ChatHandler) -> ChatHandler:
        self.small_talk = handler
        return handler

    def arrange(self, order: tuple[str, ...]) -> None:
        """List commands in ``order`` (for help and hints); the others follow as registered."""
        rank = {name: index for index, name in enumerate(order)}
        self.commands = dict(
            sorted(self.commands.items(), key=lambda item: rank.get(item[0], len(rank)))
        )

    def joined(self, word: str, rest: str) -> tuple[str, str]:
        """A command typed as two words ("hand off 45", "self check"): the command and what
        follows it; anything else as it was."""
        second, _, after = rest.strip().partition(" ")
        if self.lookup(word) is None and self.lookup(word + second.lower()) is not None:
            return word + second.lower(), after
        return word, rest

    def lookup(self, word: str) -> CommandSpec | None:
        name = self.aliases.get(word, word)
        return self.commands.get(name)

    def available_to(self, me: Me) -> list[CommandSpec]:
        return [
            spec
            for spec in self.commands.values()
            if not spec.roles or any(me.is_(role) for role in spec.roles)
        ]


def _checked(rule: Rule, name: str) -> Rule:
    if not isinstance(rule, Rule):
        raise ValueError("registered_without_rule", name)  # a programming error
    return rule
