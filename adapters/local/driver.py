"""The local adapter's in-process driver: act as several people at once, read what each was sent.

Tests and the demo use it to hold real conversations with the real core, with no chat platform:
each person's replies, notifications and opened forms are recorded in order.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from coachbot.composition import Services, build_conversation
from coachbot.conversation.vocabulary import (
    Button,
    ButtonPress,
    Buttons,
    Command,
    DirectMessage,
    Form,
    FormSubmission,
    Reply,
    Sender,
    SharedFile,
)
from coachbot.storage.models import Person


@dataclass
class Mailbox:
    """Everything one person was sent, in order."""

    replies: list[Reply] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    def texts(self) -> list[str]:
        return [reply.text for reply in self.replies]


class _PersonChannel:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def reply(self, reply: Reply) -> None:
        self.mailbox.replies.append(reply)

    async def open_form(self, form: Form) -> None:
        self.mailbox.forms.append(form)


class LocalDriver:
    """A room full of people talking to CoachBot, in one process."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.mail: dict[str, Mailbox] = defaultdict(Mailbox)  # by lower-case email
        self.channels: dict[str, list[Reply]] = defaultdict(list)
        self._emails: dict[int, str] = {}
        self.conversation = build_conversation(services, self)

    # -- the Notifier the core sees -----------------------------------------------------------
    async def to_person(self, person_id: int, reply: Reply) -> str:
        mailbox = self.mail[await self._email(person_id)]
        mailbox.replies.append(reply)
        return f"local-{person_id}-{len(mailbox.replies)}"

    async def to_channel(self, district_id: int, channel: str, reply: Reply) -> None:
        self.channels[channel].append(reply)

    async def _email(self, person_id: int) -> str:
        if person_id not in self._emails:
            async with self.services.db.read() as session:
                email = await session.scalar(select(Person.email).where(Person.id == person_id))
            self._emails[person_id] = (email or f"#{person_id}").lower()
        return self._emails[person_id]

    # -- acting as a person -------------------------------------------------------------------
    def as_(self, email: str) -> LocalPerson:
        return LocalPerson(self, email.strip().lower())

    def next_event_id(self) -> str:
        """Unique like a platform's event ids, also across restarts of the driver."""
        return f"local-{uuid.uuid4().hex}"


class LocalPerson:
    def __init__(self, driver: LocalDriver, email: str) -> None:
        self.driver = driver
        self.email = email
        self.sender = Sender("local", email)

    @property
    def mailbox(self) -> Mailbox:
        return self.driver.mail[self.email]

    @property
    def last(self) -> str:
        return self.mailbox.last.text

    async def _send(self, event: object) -> str:
        before = len(self.mailbox.replies)
        await self.driver.conversation.handle(event, _PersonChannel(self.mailbox))  # type: ignore[arg-type]
        return "\n\n".join(r.text for r in self.mailbox.replies[before:])

    async def command(self, name: str, args: str = "") -> str:
        return await self._send(Command(self.sender, name, args, self.driver.next_event_id()))

    async def say(self, text: str) -> str:
        return await self._send(DirectMessage(self.sender, text, (), self.driver.next_event_id()))

    async def send_file(self, name: str, data: bytes, media_type: str, text: str = "") -> str:
        shared = SharedFile(
            name, len(data), media_type, hashlib.sha256(data).hexdigest(), head=data[:4096],
            content=data,
        )
        return await self._send(
            DirectMessage(self.sender, text, (shared,), self.driver.next_event_id())
        )

    def button(self, action_id: str, labelled: str = "") -> Button:
        """The newest button with this action id (and ``labelled`` in its label) this person
        was sent."""
        for reply in reversed(self.mailbox.replies):
            for block in reply.blocks:
                if isinstance(block, Buttons):
                    for button in block.buttons:
                        if button.action_id == action_id and labelled in button.label:
                            return button
        raise LookupError(f"{self.email} was never shown a '{action_id}' button")

    async def press(
        self, action_id: str, *, labelled: str = "", event_id: str | None = None
    ) -> str:
        button = self.button(action_id, labelled)
        return await self._send(
            ButtonPress(
                self.sender, button.action_id, button.value, event_id or self.driver.next_event_id()
            )
        )

    async def press_value(self, action_id: str, value: str) -> str:
        """Press a button this person was never shown (a forged or guessed one)."""
        return await self._send(
            ButtonPress(self.sender, action_id, value, self.driver.next_event_id())
        )

    async def submit(
        self,
        values: dict[str, str],
        *,
        form_id: str | None = None,
        files: dict[str, list[tuple[str, bytes, str]]] | None = None,
    ) -> str:
        """Fill in the newest form (or the newest with ``form_id``) and submit it; ``files``
        gives each file field its (name, content, media type) uploads."""
        form = next(
            f for f in reversed(self.mailbox.forms) if form_id is None or f.form_id == form_id
        )
        filled = {f.name: f.initial for f in form.fields if f.initial} | values
        uploads = {
            name: tuple(
                SharedFile(
                    file_name, len(data), media, hashlib.sha256(data).hexdigest(),
                    head=data[:4096], content=data,
                )
                for file_name, data, media in given
            )
            for name, given in (files or {}).items()
        }
        return await self._send(
            FormSubmission(
                self.sender,
                form.form_id,
                filled,
                form.context,
                self.driver.next_event_id(),
                files=uploads,
                form=form,
            )
        )
