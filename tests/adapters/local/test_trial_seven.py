"""Found in the seventh trial of `coachbot chat`:

- Ctrl-C in the hand-in form, after two answers and a paragraph of reflection, left the chat at
  once and everything typed was gone; Ctrl-D in the same spot asks first. People press Ctrl-C
  by reflex (to copy, to cancel a line), so it is never harsher than Ctrl-D.
- The empty Reflection field said "Leave it empty to keep what's there" with nothing there.
- The README promises the sender "a one-line note" about a message for someone else; they read
  the message itself, two or three lines of it, after a long explanation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.local.forms import Closing
from adapters.local.terminal import chat
from coachbot.composition import Services
from coachbot.domain.journey import Move
from coachbot.storage.models import EvidencePartRow
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.adapters.local.test_trial_five import _one_earned
from tests.helpers import ANA, DEE, actor, planned

CTRL_C, CTRL_D, TERM = "^C", "^D", "SIGTERM"  # keys, not lines
KEYS: dict[str, type[BaseException]] = {CTRL_C: KeyboardInterrupt, CTRL_D: EOFError,
                                        TERM: Closing}  # fmt: skip
LINES = ["My students asked each other why, again and again, and the quiet ones",
         "found a way in through the question stems on the board today."]
VIDEO = "https://video.example.org/lesson-1"
ASKS_C = (
    "The form *Hand in evidence* isn't sent yet. To leave the chat without it (what you typed in"
    " it is not kept), press Ctrl-C again; to go on, answer *Send it as*."
)
LINE_KEPT = (
    "Ctrl-C cleared only the line you were typing: your line of *Reflection* before it is kept."
    " The form *Hand in evidence* isn't sent yet. To leave the chat without it (what you typed in"
    " it is not kept), press Ctrl-C again; to go on, type the next line, or an empty line to"
    " finish *Reflection*."
)
UNSENT = "Goodbye! The form *Hand in evidence* was not sent, so what you typed in it is not kept"


async def _typed(district: Services, keys: list[str]) -> tuple[str, list[str]]:
    """What Ana reads typing ``keys`` (Ctrl-C and Ctrl-D among them), and the prompts asked;
    Ctrl-D after the last key."""
    asked: list[str] = []
    queue = iter(keys)

    def ask(prompt: str) -> str:
        asked.append(prompt)
        key = next(queue, CTRL_D)
        if key in KEYS:
            raise KEYS[key]
        return key

    screen: list[str] = []
    await chat(district, ANA, ask, screen.append)  # type: ignore[arg-type]
    text = "\n".join(screen)
    assert "Traceback" not in text
    return text, asked


async def _working(district: Services, tmp_path: Path) -> str:
    """Ana at work on C-ONE; the path of her lesson plan."""
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    await onboarded(district, ANA)
    plan = tmp_path / "lesson-plan.pdf"
    plan.write_bytes(b"%PDF-1.4 lesson plan with question stems")
    return str(plan)


async def _parts(district: Services) -> list[tuple[str, str | None, str | None, str | None]]:
    async with district.db.read() as db:
        rows = await db.execute(select(EvidencePartRow.requirement, EvidencePartRow.text,
                                       EvidencePartRow.url, EvidencePartRow.file_name)
                                .order_by(EvidencePartRow.position))  # fmt: skip
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_ctrl_c_in_a_reflection_clears_the_line_and_the_form_goes_on(
    district: Services, tmp_path: Path
) -> None:
    plan = await _working(district, tmp_path)
    text, asked = await _typed(district, [
        "draft", "1", plan, VIDEO, LINES[0],
        CTRL_C,  # at "... ": the line being typed goes, the first line stays
        LINES[1], "", "1", "/quit",
    ])  # fmt: skip
    assert LINE_KEPT in text
    assert asked.count("... ") == 3  # asked again after Ctrl-C, then the empty line
    assert UNSENT not in text and "Goodbye! Everything you sent is saved" in text
    assert "Your draft of *Questioning for Discourse* is with Fay Facilitator" in text
    assert await _parts(district) == [
        ("Lesson plan", None, None, "lesson-plan.pdf"),
        ("Classroom video", None, VIDEO, None),
        ("Reflection", "\n".join(LINES), None, None),
    ]


async def test_ctrl_c_twice_in_a_reflection_leaves_and_says_nothing_was_kept(
    district: Services, tmp_path: Path
) -> None:
    plan = await _working(district, tmp_path)
    text, _ = await _typed(district, ["draft", "1", plan, VIDEO, LINES[0], CTRL_C, CTRL_C])
    assert LINE_KEPT in text
    assert UNSENT in text.split(LINE_KEPT)[1]
    assert await _parts(district) == []


async def test_ctrl_c_at_a_one_line_field_asks_as_ctrl_d_does(
    district: Services, tmp_path: Path
) -> None:
    plan = await _working(district, tmp_path)
    text, asked = await _typed(district, [
        "draft", "1", plan, VIDEO, " ".join(LINES), "",
        CTRL_C, "1",  # asked; an answer goes on with the form
        "/quit",
    ])  # fmt: skip
    assert ASKS_C in text
    assert sum(p.startswith("Send it as") for p in asked) == 2  # the field, asked again
    assert "Your draft of *Questioning for Discourse* is with Fay Facilitator" in text
    assert UNSENT not in text


@pytest.mark.parametrize("second", [CTRL_C, CTRL_D])
async def test_ctrl_c_then_either_key_leaves_a_half_filled_form(
    district: Services, tmp_path: Path, second: str
) -> None:
    plan = await _working(district, tmp_path)
    text, _ = await _typed(district, ["draft", "1", plan, VIDEO, CTRL_C, second])
    assert ASKS_C.replace("*Send it as*", "*Reflection*") in text
    assert UNSENT in text
    assert await _parts(district) == []


async def test_ctrl_c_with_nothing_answered_yet_asks_first(
    district: Services, tmp_path: Path
) -> None:
    """Trial 7: a long reflection typed as the form's first answer, not yet entered, was lost
    to one Ctrl-C. The first Ctrl-C asks; the form goes on; a second one leaves."""
    await _working(district, tmp_path)
    text, _ = await _typed(district, ["draft", "1", CTRL_C, "/cancel", "/quit"])
    assert "isn't sent yet" in text and "press Ctrl-C again" in text
    assert UNSENT not in text
    text, _ = await _typed(district, ["draft", "1", CTRL_C, CTRL_C])
    assert UNSENT in text


async def test_a_closing_terminal_leaves_a_half_filled_form_without_asking(
    district: Services, tmp_path: Path
) -> None:
    """SIGTERM (the window closed) arrives as ``Closing``: nobody is there to answer."""
    plan = await _working(district, tmp_path)
    text, _ = await _typed(district, ["draft", "1", plan, VIDEO, LINES[0], TERM])
    assert "press Ctrl-C again" not in text
    assert UNSENT in text


async def test_keep_whats_there_is_said_only_when_something_is(
    district: Services, tmp_path: Path
) -> None:
    await _working(district, tmp_path)
    hint = "   20 to 400 words."
    # No file, no link, and /cancel at the reflection: each field's hint has been shown.
    empty = await session(district, ANA, ["draft", "1", "", "", "/cancel", "/quit"])
    assert f"{hint}\n" in empty  # nothing there yet: nothing to keep
    assert "keep what's there" not in empty
    kept = await session(district, ANA, [f"Reflection: {' '.join(LINES)}", "draft",
                                         "4",  # [Hand in with a form]
                                         "", "", "/cancel", "/quit"])  # fmt: skip
    assert f"{hint} Leave it empty to keep what's there." in kept  # the reflection sent before
    assert kept.count("keep what's there") == 1  # not at the link, which is still empty


@pytest.mark.parametrize("columns", [80, 160])
async def test_the_sender_reads_one_line_about_a_message_for_someone_else(
    district: Services, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))  # the terminal's width
    public_id = await _one_earned(district)
    dee = await session(district, DEE, [f"revoke {public_id} awarded in error", "yes", "/quit"])
    (note,) = [line for line in dee.splitlines() if "Ana Teacher until" in line]
    assert note.startswith(
        "(kept for Ana Teacher until they next use their chat) Your credential *Questioning for"
    )
    assert len(note) < max(columns, 95)  # one line, even at 80 columns with a long name
    assert "it shows in their chat after the next thing they type" not in dee
    whole = "has been revoked by Dee Admin: awarded in error."
    assert (whole in note) == (columns == 160)  # the whole message only when it fits
