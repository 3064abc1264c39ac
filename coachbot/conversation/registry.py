"""The command, button and form tables handlers register themselves in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from coachbot.conversation.turn import Me, Turn
from coachbot.domain.roles import Role

Handler = Callable[[Turn, str], Awaitable[None]]


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
    forms: dict[str, Callable[[Turn, dict[str, str], str], Awaitable[None]]] = field(
        default_factory=dict
    )

    def command(
        self, name: str, *roles: Role, aliases: tuple[str, ...] = ()
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.commands[name] = CommandSpec(name, handler, frozenset(roles), aliases)
            for alias in aliases:
                self.aliases[alias] = name
            return handler

        return register

    def action(self, action_id: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.actions[action_id] = handler
            return handler

        return register

    def form(
        self, form_id: str
    ) -> Callable[
        [Callable[[Turn, dict[str, str], str], Awaitable[None]]],
        Callable[[Turn, dict[str, str], str], Awaitable[None]],
    ]:
        def register(
            handler: Callable[[Turn, dict[str, str], str], Awaitable[None]],
        ) -> Callable[[Turn, dict[str, str], str], Awaitable[None]]:
            self.forms[form_id] = handler
            return handler

        return register

    def lookup(self, word: str) -> CommandSpec | None:
        name = self.aliases.get(word, word)
        return self.commands.get(name)

    def available_to(self, me: Me) -> list[CommandSpec]:
        return [
            spec
            for spec in self.commands.values()
            if not spec.roles or any(me.is_(role) for role in spec.roles)
        ]
