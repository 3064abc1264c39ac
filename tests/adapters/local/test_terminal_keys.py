"""`coachbot chat` in a real terminal (a pseudo-terminal, as a person's): Ctrl-C and Ctrl-D
leave at once and kindly at any prompt (inside a form that holds answers, they ask first), a
20,000-character paste arrives whole, and no log line or traceback ever reaches the screen."""

from __future__ import annotations

import asyncio
import os
import pty
import select
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select as sql_select

from coachbot.clock import VirtualClock
from coachbot.composition import build
from coachbot.domain.journey import Move
from coachbot.importing.catalog_reader import read_catalog
from coachbot.importing.roster_reader import read_roster
from coachbot.settings import Settings
from coachbot.storage.models import DraftItem, EvidencePartRow
from tests.conftest import FIXTURES, START
from tests.helpers import ANA, actor, planned

GOODBYE = "Goodbye!"
# Ana is mid-journey, so the chat opens on her status: "start" opens her settings, answered
# as typed (time zone, goal, colleagues may ask, name me).
SETTINGS = b"start\r"
ONBOARDING = SETTINGS + b"\r1\r1\r\r"


class Terminal:
    """`coachbot chat --as EMAIL` on a pseudo-terminal: type bytes, read the screen."""

    def __init__(self, database_url: str, where: Path, email: str = ANA) -> None:
        program = Path(sys.executable).with_name("coachbot")
        env = {k: v for k, v in os.environ.items() if not k.startswith("COACHBOT_")}
        env |= {"COACHBOT_DATABASE_URL": database_url, "TERM": "xterm"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the chat, as a person starts it
            os.chdir(where)
            os.execve(str(program), [str(program), "chat", "--as", email], env)
        self.screen = b""
        self.status: int | None = None

    def read(self, seconds: float = 0.2) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:  # the chat has left and the terminal closed
                    return
                if not data:
                    return
                self.screen += data

    def wait_for(self, text: str, seconds: float = 60, after: str = "") -> None:
        """Wait until ``text`` is on the screen, below the last ``after`` when one is given:
        a key typed before the chat asks again would reach the terminal in its line mode,
        before readline takes it, and Ctrl-D would be read as a plain character."""
        end = time.monotonic() + seconds

        def shown() -> bool:
            start = self.screen.rfind(after.encode()) if after else 0
            return start >= 0 and text.encode() in self.screen[start:]

        while not shown() and time.monotonic() < end:
            self.read()
        assert shown(), self.text[-2000:]

    def type(self, data: bytes) -> None:
        for start in range(0, len(data), 512):  # read the echo as we go, as a terminal does
            os.write(self.fd, data[start:start + 512])
            self.read(0.01)

    def exited(self, seconds: float = 20) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                self.read(0.2)
                return True
        return False

    def close(self) -> None:
        if self.status is None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)

    @property
    def text(self) -> str:
        return self.screen.decode(errors="replace")


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> str:
    """The small test district in a SQLite file, Ana at work on C-ONE."""
    path = tmp_path / "chat.db"
    path.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite+aiosqlite:///{path}"

    async def make() -> None:
        services = build(Settings(database_url=url, _env_file=None), VirtualClock(START))
        try:
            spec = read_catalog(FIXTURES / "small_catalog.yaml")
            await services.catalog.load(spec)
            await services.roster.load(spec.slug, read_roster(FIXTURES / "small_roster.csv",
                                                              {s.code for s in spec.schools}))
            pursuit_id = await planned(services, ANA)
            await services.journey.move(await actor(services, ANA), pursuit_id, Move.START_WORK)
        finally:
            await services.aclose()

    asyncio.run(make())
    return url


@pytest.fixture
def terminal(database: str, tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(database, tmp_path)
    yield term
    term.close()


def left_kindly(term: Terminal, log: Path) -> None:
    assert term.exited(), "still waiting after the key: " + term.text[-500:]
    assert term.status == 0
    assert GOODBYE in term.text
    assert "Traceback" not in term.text and "Error" not in term.text
    assert " INFO " not in term.text and " WARNING " not in term.text  # no log line
    assert log.exists()  # the logs went to their file instead


@pytest.mark.parametrize("key", [b"\x03", b"\x04"], ids=["ctrl-c", "ctrl-d"])
def test_a_key_leaves_from_the_first_form_field(
    terminal: Terminal, tmp_path: Path, key: bytes
) -> None:
    terminal.type(SETTINGS)
    terminal.wait_for("Your time zone")
    terminal.type(key)  # no Enter after it: Ctrl-C must not wait for one
    if key == b"\x03":  # Ctrl-C asks first in a form, even with nothing answered yet
        terminal.wait_for("press Ctrl-C again", after="Welcome to CoachBot")
        terminal.type(key)
    left_kindly(terminal, tmp_path / "coachbot-chat.log")


@pytest.mark.parametrize("key", [b"\x03", b"\x04"], ids=["ctrl-c", "ctrl-d"])
def test_a_key_leaves_from_the_main_prompt(
    terminal: Terminal, tmp_path: Path, key: bytes
) -> None:
    terminal.type(ONBOARDING)
    terminal.wait_for("\n> ", after="All set")  # not the prompt her status opened at
    terminal.type(key)
    left_kindly(terminal, tmp_path / "coachbot-chat.log")


def _at_the_hand_in_form(term: Terminal) -> None:
    term.type(ONBOARDING)
    term.wait_for("\n> ", after="All set")  # not the prompt her status opened at
    term.type(b"draft\r")
    term.wait_for("Hand in with a form")
    term.type(b"1\r")
    term.wait_for("a file's path")


@pytest.mark.parametrize("key", [b"\x03", b"\x04"], ids=["ctrl-c", "ctrl-d"])
def test_a_key_leaves_from_a_file_path(terminal: Terminal, tmp_path: Path, key: bytes) -> None:
    """Nothing answered in the form yet: Ctrl-D leaves at once, as at the main prompt; Ctrl-C,
    pressed by reflex on a long first answer not yet entered (trial 7), asks first."""
    _at_the_hand_in_form(terminal)
    terminal.type(key)
    if key == b"\x03":
        terminal.wait_for("press Ctrl-C again", after="Hand in evidence")
        assert not terminal.exited(0.5) and GOODBYE not in terminal.text
        terminal.type(key)
    left_kindly(terminal, tmp_path / "coachbot-chat.log")


def test_ctrl_c_twice_leaves_from_a_multi_line_field(terminal: Terminal, tmp_path: Path) -> None:
    """Once lines are typed, one Ctrl-C asks, as Ctrl-D does at a one-line field; the second
    leaves, saying the form was not sent."""
    _at_the_hand_in_form(terminal)
    terminal.type(b"\r")
    terminal.wait_for("Classroom video", after="a file's path")
    terminal.type(b"https://video.example.org/lesson-1\r")
    terminal.wait_for("finish with an empty line or Ctrl-D", after="lesson-1")
    terminal.type(b"first line\r")
    terminal.wait_for("... ", after="first line")
    terminal.type(b"\x03")
    terminal.wait_for("... ", after="press Ctrl-C again")
    assert not terminal.exited(0.5) and GOODBYE not in terminal.text
    terminal.type(b"\x03")
    left_kindly(terminal, tmp_path / "coachbot-chat.log")
    assert "was not sent, so what you typed in it is not kept" in terminal.text


def test_ctrl_c_in_a_multi_line_field_clears_only_the_line_being_typed(
    terminal: Terminal, tmp_path: Path, database: str
) -> None:
    """A trial's teacher gave her lesson plan and video, typed a paragraph of her reflection and
    pressed Ctrl-C: the chat left and all of it was gone. Now, as in a shell, Ctrl-C clears the
    line being typed, the lines entered stay, and the form goes on to be handed in."""
    plan = tmp_path / "lesson-plan.pdf"
    plan.write_bytes(b"%PDF-1.4 lesson plan with question stems")
    _at_the_hand_in_form(terminal)
    terminal.type(str(plan).encode() + b"\r")
    terminal.wait_for("Classroom video", after="lesson-plan.pdf")
    terminal.type(b"https://video.example.org/lesson-1\r")
    terminal.wait_for("finish with an empty line or Ctrl-D", after="lesson-1")
    terminal.type(LINES[0] + b"\r")
    terminal.wait_for("... ", after="quiet ones")
    terminal.type(b"half a thought")
    terminal.read(0.3)
    terminal.type(b"\x03")  # no Enter: the half line goes, the first line stays
    terminal.wait_for("... ", after="press Ctrl-C again")
    assert "your line of *Reflection* before it is kept" in terminal.text
    assert not terminal.exited(0.5) and GOODBYE not in terminal.text
    terminal.type(LINES[1] + b"\r")
    terminal.wait_for("... ", after="board today.")
    terminal.type(b"\r")
    terminal.wait_for("Send it as", after="board today.")
    terminal.read(0.5)
    terminal.type(b"1\r")  # a draft, for feedback
    terminal.wait_for("\n> ", after="Send it as")
    terminal.type(b"/quit\r")
    assert terminal.exited()
    assert "Your draft of *Questioning for Discourse* is with Fay Facilitator" in terminal.text
    assert "was not sent" not in terminal.text

    async def handed_in() -> list[tuple[str | None, str | None]]:
        services = build(Settings(database_url=database, _env_file=None), VirtualClock(START))
        try:
            async with services.db.read() as session:
                rows = await session.execute(sql_select(EvidencePartRow.text,
                                                        EvidencePartRow.file_name))
                return [tuple(row) for row in rows]  # type: ignore[misc]
        finally:
            await services.aclose()

    parts = asyncio.run(handed_in())
    assert (None, "lesson-plan.pdf") in parts
    assert (b"\n".join(LINES).decode(), None) in parts  # both lines, not the half one


# Twenty words and more, as the reflection takes; two lines of it.
LINES = [b"My students asked each other why, again and again, and the quiet ones",
         b"found a way in through the question stems on the board today."]


def test_ctrl_d_ends_a_multi_line_field_and_keeps_it(
    terminal: Terminal, tmp_path: Path, database: str
) -> None:
    """A trial's peer pressed Ctrl-D after a line of her comment and lost it with the chat.
    Ctrl-D ends the field as an empty line does; at a one-line field of a form with answers in
    it, it asks first, and the form goes on."""
    _at_the_hand_in_form(terminal)
    terminal.type(b"\r")  # no file
    terminal.wait_for("Classroom video", after="a file's path")
    terminal.type(b"https://video.example.org/lesson-1\r")
    terminal.wait_for("finish with an empty line or Ctrl-D", after="lesson-1")
    terminal.type(LINES[0] + b"\r")
    terminal.wait_for("... ", after="quiet ones")
    terminal.type(LINES[1] + b"\r")
    terminal.wait_for("... ", after="board today.")
    terminal.type(b"\x04")  # ends the reflection, kept
    terminal.wait_for("Send it as", after="board today.")
    assert not terminal.exited(0.5) and GOODBYE not in terminal.text
    terminal.read(0.5)
    terminal.type(b"\x04")  # at a one-line field, with answers given: asked, not thrown away
    terminal.wait_for("press Ctrl-D again", after="board today.")
    assert not terminal.exited(0.5) and GOODBYE not in terminal.text
    terminal.wait_for("Send it as [", after="press Ctrl-D again")  # asked again
    terminal.read(0.5)
    terminal.type(b"1\r")  # a draft, for feedback
    terminal.wait_for("\n> ", after="Send it as")
    terminal.type(b"/quit\r")
    assert terminal.exited()
    assert "was not sent" not in terminal.text

    async def handed_in() -> list[str | None]:
        services = build(Settings(database_url=database, _env_file=None), VirtualClock(START))
        try:
            async with services.db.read() as session:
                texts = await session.scalars(sql_select(EvidencePartRow.text))
                return [text for text in texts if text]
        finally:
            await services.aclose()

    assert "Your draft of *Questioning for Discourse* is with Fay Facilitator" in terminal.text
    assert asyncio.run(handed_in()) == [b"\n".join(LINES).decode()]  # both lines, kept


def test_ctrl_d_twice_at_a_one_line_field_leaves_and_says_so(
    terminal: Terminal, tmp_path: Path
) -> None:
    _at_the_hand_in_form(terminal)
    terminal.type(b"\r")
    terminal.wait_for("Classroom video", after="a file's path")
    terminal.type(b"https://video.example.org/lesson-1\r")
    terminal.wait_for("finish with an empty line or Ctrl-D", after="lesson-1")
    terminal.type(LINES[0] + b" " + LINES[1] + b"\r")
    terminal.wait_for("... ", after="board today.")
    terminal.type(b"\r")
    terminal.wait_for("Send it as", after="board today.")
    terminal.read(0.5)
    terminal.type(b"\x04")
    terminal.wait_for("Send it as [", after="press Ctrl-D again")
    terminal.read(0.5)
    terminal.type(b"\x04")
    left_kindly(terminal, tmp_path / "coachbot-chat.log")
    assert "The form *Hand in" in terminal.text.split("press Ctrl-D again")[-1]
    assert "was not sent, so what you typed in it is not kept" in terminal.text


def test_a_long_paste_arrives_whole(terminal: Terminal, database: str) -> None:
    # far past the terminal's 4,096-byte line, just under the 20,000 characters a part takes
    reflection = "Reflection: " + " ".join(["students asked why"] * 1040)
    assert len(reflection) > 19_500
    terminal.type(ONBOARDING)
    terminal.wait_for("\n> ", after="All set")  # not the prompt her status opened at
    terminal.type(reflection.encode() + b"\r")
    terminal.wait_for("Added to", 60)
    terminal.type(b"/quit\r")
    assert terminal.exited()
    assert "too long" not in terminal.text

    async def stored() -> list[str | None]:
        services = build(Settings(database_url=database, _env_file=None), VirtualClock(START))
        try:
            async with services.db.read() as session:
                return list(await session.scalars(sql_select(DraftItem.text)))
        finally:
            await services.aclose()

    texts = asyncio.run(stored())
    assert texts == [reflection[len("Reflection: "):]]


@pytest.mark.parametrize("when", ["form", "prompt"])
def test_sigterm_leaves_kindly_as_ctrl_c_does(
    terminal: Terminal, tmp_path: Path, when: str
) -> None:
    """A closing terminal window or `kill` sends SIGTERM: the chat says goodbye and stops
    cleanly (the database closed in order), with no traceback on the screen."""
    if when == "prompt":
        terminal.type(ONBOARDING)
        terminal.wait_for("\n> ", after="All set")  # not the prompt her status opened at
    else:
        terminal.type(SETTINGS)
        terminal.wait_for("Your time zone")
    os.kill(terminal.pid, signal.SIGTERM)
    left_kindly(terminal, tmp_path / "coachbot-chat.log")
