"""How each platform's people act, for the shared journey: the terminal's driver, Slack's
signed requests into the real bolt app, and Discord's gateway dispatches into the real
discord.py client."""

from __future__ import annotations

import itertools

from adapters.local.driver import LocalPerson
from tests.adapters.discord.harness import DiscordRoom
from tests.adapters.slack.harness import SlackRoom


class LocalSeat:
    def __init__(self, person: LocalPerson) -> None:
        self.person = person

    async def command(self, text: str) -> None:
        name, _, args = text.partition(" ")
        await self.person.command(name, args)

    async def press(self, action: str) -> None:
        await self.person.press(action)

    async def submit(self, values: dict[str, str]) -> None:
        await self.person.submit(values)

    async def say(self, text: str) -> None:
        await self.person.say(text)

    async def send_file(self, name: str, data: bytes, media_type: str) -> None:
        await self.person.send_file(name, data, media_type)

    def everything(self) -> str:
        return "\n\n".join(self.person.mailbox.texts())


class SlackSeat:
    _files = itertools.count(1)

    def __init__(self, room: SlackRoom, user: str) -> None:
        self.room, self.user = room, user

    async def command(self, text: str) -> None:
        assert await self.room.command(self.user, text) == 200

    async def press(self, action: str) -> None:
        assert await self.room.press(self.user, action) == 200

    async def submit(self, values: dict[str, str]) -> None:
        assert await self.room.submit(self.user, values) == 200

    async def say(self, text: str) -> None:
        assert await self.room.dm(self.user, text) == 200

    async def send_file(self, name: str, data: bytes, media_type: str) -> None:
        shared = self.room.share(f"F0PARITY{next(self._files)}", name, data, media_type)
        assert await self.room.dm(self.user, "", [shared]) == 200

    def everything(self) -> str:
        return self.room.everything(self.user)


class DiscordSeat:
    """A Discord user: /coach commands, DMs, buttons, and forms behind "Open the form" (a modal
    must be the first answer to an interaction), page by page."""

    def __init__(self, room: DiscordRoom, user: str) -> None:
        self.room, self.user = room, user

    async def command(self, text: str) -> None:
        name, _, details = text.partition(" ")
        await self.room.command(self.user, name, details)

    async def press(self, action: str) -> None:
        await self.room.press(self.user, action)

    async def submit(self, values: dict[str, str]) -> None:
        while True:
            await self.room.press(self.user, "open_form")
            before = len(self.room.sent_to(self.user))
            await self.room.submit(self.user, values)
            after = self.room.sent_to(self.user)[before:]
            if not any("|open_form|" in str(call.body.get("components")) for call, _ in after):
                return

    async def say(self, text: str) -> None:
        await self.room.dm(self.user, text)

    async def send_file(self, name: str, data: bytes, media_type: str) -> None:
        await self.room.dm(self.user, "", [(name, data, media_type)])

    def everything(self) -> str:
        return self.room.everything(self.user)
