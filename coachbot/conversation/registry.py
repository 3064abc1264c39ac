"""The command, button and form tables handlers register themselves in.

Every button names an ``Action``, declared once as a constant beside the handler that answers
it; ``Say.button`` takes only an ``Action``, and a test checks that every declared action is
registered, so no button can name something nobody answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

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

    def command(
        self, name: str, *roles: Role, aliases: tuple[str, ...] = ()
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.commands[name] = CommandSpec(name, handler, frozenset(roles), aliases)
            for alias in aliases:
                self.aliases[alias] = name
            return handler

        return register

    def action(self, action: Action) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if action.id in self.actions:
                raise ValueError("duplicate_action", action.id)  # a programming error
            self.actions[action.id] = handler
            return handler

        return register

    def form(self, form_id: str) -> Callable[[FormHandler], FormHandler]:
        def register(handler: FormHandler) -> FormHandler:
            self.forms[form_id] = handler
            return handler

        return register

    def on_message(self, handler: MessageHandler) -> MessageHandler:
        self.message = handler
        return handler

    def on_small_talk(self, handler: ChatHandler) -> ChatHandler:
        self.small_talk = handler
        return handler

    def arrange(self, order: tuple[str, ...]) -> None:
        """List commands in ``order`` (for help and hints); the others follow as registered."""
        rank = {name: index for index, name in enumerate(order)}
        self.commands = dict(
            sorted(self.commands.items(), key=lambda item: rank.get(item[0], len(rank)))
        )

    def lookup(self, word: str) -> CommandSpec | None:
        name = self.aliases.get(word, word)
        return self.commands.get(name)

    def available_to(self, me: Me) -> list[CommandSpec]:
        return [
            spec
            for spec in self.commands.values()
            if not spec.roles or any(me.is_(role) for role in spec.roles)
        ]
