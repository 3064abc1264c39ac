"""Control characters a person sends (a NUL byte pasted from a PDF, a bidi override) never reach
the database or come back to them: on SQLite they would be stored and echoed, PostgreSQL refuses
a NUL byte outright and the turn would end in "Sorry, something went wrong"."""

from __future__ import annotations

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.conversation.vocabulary import (
    ButtonPress,
    Command,
    DirectMessage,
    FormSubmission,
    Sender,
    SharedFile,
    clean_text,
    cleaned,
)
from coachbot.domain.journey import Move
from coachbot.storage.models import DraftItem
from tests.helpers import ANA, actor, planned

UNSEEN = ("\x00", "\x1b", "\x7f", "\u202e", "\u2066")


def test_only_what_nobody_types_on_purpose_goes() -> None:
    assert clean_text("null\x00byte \x1b[31mred\x7f") == "nullbyte [31mred"
    assert clean_text("my\u202eflow\u202c notes") == "myflow notes"
    assert clean_text("line one\r\nline two\rthree\tcolumn") == "line one\nline two\nthree\tcolumn"
    assert clean_text("café 👩‍🏫 naïve — ok") == "café 👩‍🏫 naïve — ok"  # the joiner stays


def test_every_text_a_person_sends_is_cleaned() -> None:
    me = Sender("local", "ana@testville.example")
    shared = SharedFile("plan\x00.pdf", 1, "application/pdf", "x")
    assert cleaned(DirectMessage(me, "a\x00b", (shared,))).text == "ab"  # type: ignore[union-attr]
    assert cleaned(DirectMessage(me, "", (shared,))).files[0].name == "plan.pdf"  # type: ignore[union-attr]
    assert cleaned(Command(me, "sh\x00ow", "PA\x0001")) == Command(me, "show", "PA01")
    assert cleaned(ButtonPress(me, "approve", "12\x00.3")) == ButtonPress(me, "approve", "12.3")
    form = cleaned(FormSubmission(me, "f", {"why": "be\x00cause"}, "1\x00.2",
                                  files={"plan": (shared,)}))
    assert form == FormSubmission(me, "f", {"why": "because"}, "1.2",
                                  files={"plan": (SharedFile("plan.pdf", 1, "application/pdf",
                                                             "x"),)})


async def test_a_nul_byte_in_a_message_is_stored_and_echoed_without_it(
    district: Services,
) -> None:
    teacher = await actor(district, ANA)
    await district.journey.move(teacher, await planned(district, ANA), Move.START_WORK)
    ana = LocalDriver(district).as_(ANA)
    answer = await ana.say("Reflection: null\x00byte \u202eand more")
    assert "went wrong" not in answer
    assert not any(c in answer for c in UNSEEN)
    async with district.db.read() as session:
        stored = list(await session.scalars(select(DraftItem.text)))
    assert stored == ["nullbyte and more"]


async def test_a_nul_byte_in_a_command_finds_what_was_meant(district: Services) -> None:
    ana = LocalDriver(district).as_(ANA)
    answer = await ana.command("show", "C-\x00ONE")
    assert "Questioning for Discourse" in answer
    assert "went wrong" not in answer
    answer = await ana.command("coach", "show C-ONE\x00\x00")
    assert "Questioning for Discourse" in answer
