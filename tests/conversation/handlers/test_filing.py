"""Filing a file into a part of the evidence, from the teacher's side: a file goes where its
name points, the bot asks when that is not obvious, and a part is never replaced unsaid."""

from __future__ import annotations

from pathlib import Path

from adapters.local.driver import LocalDriver, LocalPerson
from coachbot.composition import Services
from coachbot.domain.journey import Move
from coachbot.importing.catalog_reader import read_catalog
from tests.helpers import ANA, actor, planned

FIXTURES = Path(__file__).parents[2] / "fixtures"
PDF = b"%PDF-1.4 a good lesson plan"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TWO_FILES = """
  - code: C-FILES
    title: Student Work Protocols
    competency: Looks at student work with colleagues.
    issuer: Testville SD
    hours_estimate: 6
    requirements:
      - {name: Lesson plan, kind: file, allowed_types: [application/pdf]}
      - {name: Student work samples, kind: file}
      - {name: Protocol notes, kind: file}
    rubric:
      levels: [Not yet, Proficient]
      passing: Proficient
      criteria:
        - {name: Evidence, description: Student work is read closely}
"""


async def working_on_files(district: Services, tmp_path: Path) -> LocalPerson:
    text = (FIXTURES / "small_catalog.yaml").read_text()
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(text.replace("\nstacks:", TWO_FILES.rstrip() + "\nstacks:", 1))
    await district.catalog.load(read_catalog(catalog))
    pursuit_id = await planned(district, ANA, "C-FILES")
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    return LocalDriver(district).as_(ANA)


async def test_a_file_goes_where_its_name_points(district: Services, tmp_path: Path) -> None:
    ana = await working_on_files(district, tmp_path)
    filed = await ana.send_file("student-work.png", PNG, "image/png")
    assert "Added to *Student Work Protocols*: Student work samples" in filed
    assert "really a" not in filed


async def test_the_bot_asks_which_part_when_it_is_not_obvious(
    district: Services, tmp_path: Path
) -> None:
    ana = await working_on_files(district, tmp_path)
    asked = await ana.send_file("IMG_2041.png", PNG, "image/png")
    assert "Which part is IMG_2041.png for?" in asked
    assert "Added" not in asked
    filed = await ana.press("file_as", labelled="For Protocol notes")
    assert "Added to *Student Work Protocols*: Protocol notes" in filed
    basket = await ana.command("draft")
    assert "- Protocol notes: IMG_2041.png" in basket


async def test_a_file_waiting_for_its_part_survives_anything_else_typed(
    district: Services, tmp_path: Path
) -> None:
    """The lost hand-in: asked which part a file is for, the teacher typed something else, and
    the file was gone without a word. Now it waits in the basket and is asked about again."""
    ana = await working_on_files(district, tmp_path)
    assert "Which part is IMG_2041.png for?" in await ana.send_file("IMG_2041.png", PNG,
                                                                    "image/png")
    status = await ana.command("status")
    assert "I'm still keeping IMG_2041.png for *Student Work Protocols*" in status
    assert "Which part is IMG_2041.png for?" in status
    assert "Lesson plan" in await ana.send_file("lesson-plan.pdf", PDF, "application/pdf")
    basket = await ana.command("draft")
    assert "Waiting for you to say which part it is for: IMG_2041.png" in basket
    # A draft sent meanwhile does not take the file with it, nor lose it.
    sent = await ana.command("send")
    assert "I'm still keeping IMG_2041.png" in sent
    filed = await ana.press("file_as", labelled="For Protocol notes")
    assert "Added to *Student Work Protocols*: Protocol notes" in filed
    assert "still keeping" not in await ana.command("status")


async def test_a_waiting_file_can_be_let_go_and_is_said_to_be(
    district: Services, tmp_path: Path
) -> None:
    ana = await working_on_files(district, tmp_path)
    await ana.send_file("IMG_2041.png", PNG, "image/png")
    assert "still keeping IMG_2041.png" in await ana.say("thanks!")
    gone = await ana.press("let_file_go", labelled="Not needed")
    assert "OK, I've let go of IMG_2041.png" in gone
    assert "still keeping" not in await ana.command("status")
    assert "Waiting for you" not in await ana.command("draft")


async def test_a_part_is_never_replaced_without_saying_so(
    district: Services, tmp_path: Path
) -> None:
    ana = await working_on_files(district, tmp_path)
    assert "Lesson plan" in await ana.send_file("lesson-plan.pdf", PDF, "application/pdf")
    asked = await ana.send_file("lesson-plan-v2.pdf", PDF + b" v2", "application/pdf")
    assert "*Lesson plan* already has lesson-plan.pdf, and a part holds one file." in asked
    assert "Replace it with lesson-plan-v2.pdf" in asked
    kept = await ana.press("let_file_go", labelled="Keep")
    assert "OK, I've let go of lesson-plan-v2.pdf" in kept
    assert "- Lesson plan: lesson-plan.pdf" in await ana.command("draft")
    await ana.send_file("lesson-plan-v2.pdf", PDF + b" v2", "application/pdf")
    replaced = await ana.press("file_as", labelled="Replace Lesson plan")
    assert "lesson-plan-v2.pdf replaces lesson-plan.pdf in *Lesson plan*" in replaced
    await ana.send_file("lesson-plan-v3.pdf", PDF + b" v3", "application/pdf")
    both = await ana.press("file_as", labelled="For Student work samples")  # keep both
    assert "Added to *Student Work Protocols*: Student work samples" in both
    basket = await ana.command("draft")
    assert "- Lesson plan: lesson-plan-v2.pdf" in basket
    assert "- Student work samples: lesson-plan-v3.pdf" in basket


async def test_a_named_file_asks_before_it_replaces(district: Services, tmp_path: Path) -> None:
    ana = await working_on_files(district, tmp_path)
    await ana.send_file("a.pdf", PDF, "application/pdf", text="Lesson plan")
    again = await ana.send_file("b.pdf", PDF + b"b", "application/pdf", text="Lesson plan")
    assert "*Lesson plan* already has a.pdf, and a part holds one file." in again
    assert "Replace it with b.pdf" in again
    assert "- Lesson plan: a.pdf" in await ana.command("draft")
    replaced = await ana.press("file_as", labelled="Replace Lesson plan")
    assert "b.pdf replaces a.pdf in *Lesson plan*" in replaced


async def test_a_bare_drive_link_stands_in_for_a_file(district: Services, tmp_path: Path) -> None:
    ana = await working_on_files(district, tmp_path)
    filed = await ana.say("https://docs.google.com/document/d/1AbC/edit")
    # Not for Lesson plan, which asks for a pdf: for the first part that takes any file.
    assert "Added to *Student Work Protocols*: Student work samples" in filed
