"""A new user's trial of the terminal, replayed: each thing that went wrong, typed again.

Each test types what the person typed, through the terminal's own input loop, and reads what
they read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.local.terminal import chat
from coachbot.composition import Services
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal import typist
from tests.conversation.handlers.test_filing import PNG, working_on_files
from tests.helpers import ANA, planned


async def session(district: Services, email: str, lines: list[str]) -> str:
    """What the person reads after typing ``lines`` into ``coachbot chat --as EMAIL``."""
    _, ask = typist(lines)
    screen: list[str] = []
    await chat(district, email, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    assert "Traceback" not in text
    return text


async def test_a_file_asked_about_is_kept_when_the_teacher_types_something_else(
    district: Services, tmp_path: Path
) -> None:
    await working_on_files(district, tmp_path)
    await onboarded(district, ANA)
    photo = tmp_path / "IMG_2041.png"
    photo.write_bytes(PNG)
    text = await session(district, ANA, [f"/file {photo}", "status", "4", "draft", "/quit"])
    _, after_status, pressed = text.split("Which part is IMG_2041.png for?")[0:3]
    assert "I'm still keeping IMG_2041.png for *Student Work Protocols*" in after_status
    # The numbers go on from the status's own button, and press the reminder's.
    assert "[4] For Protocol notes" in pressed
    assert "Added to *Student Work Protocols*: Protocol notes." in pressed
    assert "- Protocol notes: IMG_2041.png" in pressed
    assert pressed.count("still keeping") == 0


async def test_hi_at_the_time_zone_question_is_a_greeting_not_a_zone(district: Services) -> None:
    text = await session(district, ANA, ["hi", "thanks!", "central", "1", "", "", "/quit"])
    assert "isn't a time zone I know" not in text
    assert "Hello! I'm still asking: *Your time zone*. Please choose America/Chicago" in text
    assert "You're welcome! I'm still asking: *Your time zone*" in text
    assert "America/Chicago" in text and "Traceback" not in text
    settings = await district.person_settings.view(
        (await district.people.identify("local", ANA, "")).person_id
    )
    assert settings.onboarded


async def test_next_friday_typed_on_a_thursday_is_the_friday_of_next_week(
    district: Services,
) -> None:
    # Thursday, September 10, 2026, mid-morning in Chicago: the clock is injected.
    district.clock.set(datetime(2026, 9, 10, 15, 0, tzinfo=UTC))
    await planned(district, ANA)
    await onboarded(district, ANA)
    text = await session(district, ANA, ["deadline next friday", "/quit"])
    assert 'I read "next friday" as *Friday, September 18, 2026*' in text
    assert "Friday, September 11" not in text


async def test_a_file_can_be_sent_with_the_part_it_is_for_as_the_bot_suggests(
    district: Services, tmp_path: Path
) -> None:
    await working_on_files(district, tmp_path)
    await onboarded(district, ANA)
    photo = tmp_path / "IMG 2041.png"  # a space in the name is still read as one path
    photo.write_bytes(PNG)
    text = await session(district, ANA, [f"/file {photo} Student work samples", "/quit"])
    assert "Added to *Student Work Protocols*: Student work samples." in text
    assert "Which part" not in text
