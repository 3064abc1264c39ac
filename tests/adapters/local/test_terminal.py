"""`coachbot chat` as a person types it: numbers press buttons, forms ask field by field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from adapters.local.terminal import chat
from coachbot.composition import Services
from coachbot.domain.journey import Move
from coachbot.storage.evidence_files import digest
from tests.helpers import ANA, actor, planned


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
