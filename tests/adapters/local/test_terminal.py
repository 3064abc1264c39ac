"""`coachbot chat` as a person types it: numbers press buttons, forms ask field by field."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.local.terminal import chat, terminal_ask
from coachbot.composition import Services
from coachbot.domain.journey import Move
from coachbot.services.reviews.reviewing import Decision
from coachbot.storage.evidence_files import digest
from tests.helpers import ANA, BELOW, FAY, actor, planned, under_review


def typist(lines: list[str]) -> tuple[list[str], object]:
    said: list[str] = []
    answers: Iterator[str] = iter(lines)

    def ask(prompt: str) -> str:
        said.append(prompt)
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    return said, ask


async def test_a_teacher_onboards_chooses_and_plans_in_the_terminal(
    district: Services, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4 plan")
    prompts, ask = typist(
        [
            "",  # time zone: keep the default
            "1",  # goal
            "1",  # colleagues may ask me: yes
            "",  # name me: keep yes
            "show C-ONE",
            "1",  # [Choose this one]
            "2",  # [Change the deadline]
            "in 3 weeks",
            "1",  # [Use this plan]
            f"/file {plan}",
            "/file /no/such/file.pdf",
            "statsu",
            "/quit",
        ]
    )
    screen: list[str] = []
    await chat(district, ANA.upper(), ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    assert "Welcome, Ana Teacher!" in text
    assert "== Welcome to CoachBot ==" in text
    assert any(p.startswith("Your time zone [America/Chicago]:") for p in prompts)
    assert "[1] Choose this one" in text
    assert 'I read "in 3 weeks" as *Tuesday, September 29, 2026*.' in text
    assert "Your plan for *Questioning for Discourse* is saved" in text
    assert "Added to *Questioning for Discourse*: Lesson plan." in text
    assert "I can't find a file at /no/such/file.pdf" in text
    assert "Did you mean: status" in text
    assert "Traceback" not in text


async def test_someone_not_on_the_roster_is_told_kindly(district: Services) -> None:
    _, ask = typist(["status", "/quit"])
    screen: list[str] = []
    await chat(district, "visitor@elsewhere.example", ask, screen.append)  # type: ignore[arg-type]
    assert "I don't have you on my roster yet" in "\n".join(screen)


async def test_a_teacher_hands_in_with_the_form_in_the_terminal(
    district: Services, tmp_path: Path
) -> None:
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4 plan")
    _, ask = typist(
        [
            "",  # time zone: keep the default
            "1",  # goal
            "1",  # colleagues may ask me: yes
            "",  # name me: keep yes
            "draft",
            "1",  # [Hand in with a form]
            "/no/such/plan.pdf",  # the lesson plan's path, mistyped, then right
            str(plan),
            "https://video.example.org/lesson-1",
            "My students asked each other why, again and again. The question stems on the",
            "board gave the quiet ones a way in, and two groups argued about evidence.",
            "",  # end of the reflection
            "2",  # send it as: my formal submission
            "/quit",
        ]
    )
    screen: list[str] = []
    await chat(district, ANA, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    assert "== Hand in evidence ==" in text
    assert "I can't find a file at /no/such/plan.pdf" in text
    assert "You've submitted *Questioning for Discourse*" in text
    assert "Traceback" not in text
    # The file was read from its path and kept, so the reviewer can open it.
    assert await district.evidence_store.get(digest(b"%PDF-1.4 plan")) == b"%PDF-1.4 plan"


async def test_a_teacher_types_feedback_at_night_and_reads_it_at_once(
    district: Services,
) -> None:
    _, review_id = await under_review(district, ANA, FAY)
    district.clock.set(
        datetime(2026, 9, 9, 1, 0, tzinfo=ZoneInfo("America/Chicago")).astimezone(UTC)
    )
    await district.reviews.record(
        await actor(district, FAY), review_id, Decision.NOT_YET, BELOW,
        feedback="Add three student work samples.",
    )  # fmt: skip
    _, ask = typist(["", "1", "1", "", "feedback", "/quit"])  # onboarding, then feedback
    screen: list[str] = []
    await chat(district, ANA, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    assert "Your feedback on *Questioning for Discourse* (C-ONE)" in text
    assert "*What to change:* Add three student work samples." in text
    assert "  [1] Revise my evidence" in text
    (line,) = await district.outbox.lines(email=ANA)
    assert (line.status, line.reason) == ("read", "read_in_chat")


async def test_more_than_the_terminal_can_read_whole_is_refused_with_the_limit(
    district: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["", "1", "1", "", "Reflection: " + "why? " * 8001, "/quit"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    screen: list[str] = []
    await chat(district, ANA, terminal_ask, screen.append)
    text = "\n".join(screen)
    assert "the limit is 40,000 characters" in text
    assert "Goodbye!" in text
    assert "went wrong" not in text


async def test_leaving_in_the_middle_of_a_form_says_the_form_was_not_sent(
    district: Services,
) -> None:
    """Found in a trial: Ctrl-D inside a form said "Your work is saved" and the form was gone."""
    _, ask = typist(["", "1"])  # two answers of the welcome form, then Ctrl-D
    screen: list[str] = []
    await chat(district, ANA, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    assert "was not sent, so what you typed in it is not kept" in text
    assert "Everything you sent is saved (a line" not in text
    _, ask = typist(["", "1", "1", "", "status"])  # the whole form, then Ctrl-D at the prompt
    screen = []
    await chat(district, ANA, ask, screen.append)  # type: ignore[arg-type]
    assert "Goodbye! Everything you sent is saved" in "\n".join(screen)
