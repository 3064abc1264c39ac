"""A teacher's trial of handing in student work, replayed: a part holds one file, and nothing
she sent leaves her evidence unless she says so.

She works on a credential whose parts are "Student work samples" (pdf, jpeg or png), a link
and a reflection, as the Lakeview catalog has them. Each test types what she typed, in chat
(``LocalDriver``) or through the terminal's own input loop, and reads what she read."""

from __future__ import annotations

from pathlib import Path

from adapters.local.driver import LocalDriver, LocalPerson
from coachbot.composition import Services
from coachbot.conversation.vocabulary import Buttons
from coachbot.domain.journey import Move
from coachbot.importing.catalog_reader import read_catalog
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.helpers import ANA, actor, planned

FIXTURES = Path(__file__).parents[2] / "fixtures"
PDF = b"%PDF-1.4 three samples, names removed"
SAMPLES = """
  - code: C-SAMPLES
    title: Formative Assessment
    competency: Uses student work to decide what to teach next.
    issuer: Testville SD
    hours_estimate: 6
    requirements:
      - {name: Student work samples, kind: file, description: "Three samples at different levels", allowed_types: [application/pdf, image/jpeg, image/png]}
      - {name: Classroom video, kind: link}
      - {name: Reflection, kind: text}
    rubric:
      levels: [Not yet, Proficient]
      passing: Proficient
      criteria:
        - {name: Evidence, description: Student work is read closely}
"""  # noqa: E501


async def working_on_samples(district: Services, tmp_path: Path) -> LocalPerson:
    text = (FIXTURES / "small_catalog.yaml").read_text()
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(text.replace("\nstacks:", SAMPLES.rstrip() + "\nstacks:", 1))
    await district.catalog.load(read_catalog(catalog))
    pursuit_id = await planned(district, ANA, "C-SAMPLES")
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    return LocalDriver(district).as_(ANA)


async def test_a_file_sent_with_its_part_name_asks_before_it_replaces(
    district: Services, tmp_path: Path
) -> None:
    """The lost sample: "/file sample2.pdf Student work samples" replaced the PDF there."""
    ana = await working_on_samples(district, tmp_path)
    await ana.send_file("samples.pdf", PDF, "application/pdf", text="Student work samples")
    asked = await ana.send_file(
        "sample2-makeup.pdf", PDF + b" 2", "application/pdf", text="Student work samples"
    )
    assert "*Student work samples* already has samples.pdf, and a part holds one file." in asked
    assert "Replace it with sample2-makeup.pdf" in asked
    assert "Nothing changes until you choose." in asked
    assert "put them together in one PDF" in asked
    assert "replaces" not in asked
    assert "- Student work samples: samples.pdf" in await ana.command("draft")
    kept = await ana.press("let_file_go", labelled="Keep samples.pdf")
    assert "OK, I've let go of sample2-makeup.pdf" in kept
    assert "- Student work samples: samples.pdf" in await ana.command("draft")


async def test_the_same_question_whether_or_not_the_part_is_named(
    district: Services, tmp_path: Path
) -> None:
    ana = await working_on_samples(district, tmp_path)
    await ana.send_file("samples.pdf", PDF, "application/pdf", text="Student work samples")
    unnamed = await ana.send_file("more-samples.pdf", PDF + b" 2", "application/pdf")
    await ana.press("let_file_go", labelled="Keep samples.pdf")
    named = await ana.send_file(
        "more-samples.pdf", PDF + b" 2", "application/pdf", text="Student work samples"
    )
    question = "*Student work samples* already has samples.pdf, and a part holds one file."
    assert question in unnamed and question in named
    replaced = await ana.press("file_as", labelled="Replace Student work samples")
    assert "more-samples.pdf replaces samples.pdf in *Student work samples*" in replaced


async def test_a_link_for_a_part_that_asks_for_a_file_is_refused_kindly(
    district: Services, tmp_path: Path
) -> None:
    ana = await working_on_samples(district, tmp_path)
    await ana.send_file("samples.pdf", PDF, "application/pdf", text="Student work samples")
    said = await ana.say("Student work samples: https://drive.example.org/samples")
    assert "*Student work samples* asks for a file (pdf or jpeg or png), not a link" in said
    assert "nothing in your basket changed" in said
    assert "/file PATH Student work samples" in said
    assert "Added" not in said
    assert "- Student work samples: samples.pdf" in await ana.command("draft")


async def test_a_bare_link_goes_to_the_link_part_never_to_a_file_part(
    district: Services, tmp_path: Path
) -> None:
    ana = await working_on_samples(district, tmp_path)
    assert "Classroom video" in await ana.say("https://video.example.org/lesson")
    # The link part is full: a second bare link replaces it, and says so.
    again = await ana.say("https://video.example.org/lesson-2")
    assert "https://video.example.org/lesson-2 replaces https://video.example.org/lesson" in again
    basket = await ana.command("draft")
    assert "- Student work samples" not in basket
    assert "*Student work samples* is still needed" not in basket  # a draft may be partial
    check = await ana.command("selfcheck")
    assert "*Student work samples* is still needed: send the file here (pdf or jpeg or png)." \
        in check
    assert "or a link to it" not in check


async def test_submit_with_a_question_open_says_so_and_sends_nothing(
    district: Services, tmp_path: Path
) -> None:
    ana = await working_on_samples(district, tmp_path)
    await ana.send_file("samples.pdf", PDF, "application/pdf", text="Student work samples")
    await ana.say("https://video.example.org/lesson")
    await ana.say("Reflection: my students showed me what they knew.")
    await ana.send_file("student work samples.pdf", PDF + b" 2", "application/pdf")
    held = await ana.command("submit")
    assert "Not submitted yet: student work samples.pdf is still waiting for your answer" in held
    assert "only what's in your basket now would go" in held
    assert "*Student work samples* already has samples.pdf" in held  # the question, again
    assert "You've submitted" not in held
    gone = await ana.press("submit_without", labelled="Submit without it")
    assert "OK, I've let go of student work samples.pdf" in gone
    assert "You've submitted *Formative Assessment*" in gone


async def test_submit_after_the_question_is_answered_goes_at_once(
    district: Services, tmp_path: Path
) -> None:
    ana = await working_on_samples(district, tmp_path)
    await ana.send_file("samples.pdf", PDF, "application/pdf", text="Student work samples")
    await ana.say("https://video.example.org/lesson")
    await ana.say("Reflection: my students showed me what they knew.")
    await ana.send_file("student work samples.pdf", PDF + b" 2", "application/pdf")
    await ana.press("file_as", labelled="Replace Student work samples")
    sent = await ana.command("submit")
    assert "You've submitted *Formative Assessment*" in sent
    assert "Not submitted yet" not in sent


async def test_quoted_and_escaped_paths_are_read_in_the_terminal(
    district: Services, tmp_path: Path
) -> None:
    """Paths dragged or copied into a terminal come quoted, or with their spaces escaped."""
    await working_on_samples(district, tmp_path)
    await onboarded(district, ANA)
    folder = tmp_path / "my files"
    folder.mkdir()
    first = folder / "student work samples.pdf"
    first.write_bytes(PDF)
    second = folder / "sample 2.pdf"
    second.write_bytes(PDF + b" 2")
    escaped = str(second).replace(" ", "\\ ")
    text = await session(
        district,
        ANA,
        [f'/file "{first}"', f"/file {escaped} Student work samples", "1", "draft", "/quit"],
    )
    assert "I can't find a file" not in text
    assert "Added to *Formative Assessment*: Student work samples." in text
    assert "*Student work samples* already has student work samples.pdf" in text
    assert "sample 2.pdf replaces student work samples.pdf in *Student work samples*" in text
    assert "- Student work samples: sample 2.pdf" in text


async def test_a_quoted_path_with_its_part_name_and_a_missing_one(
    district: Services, tmp_path: Path
) -> None:
    await working_on_samples(district, tmp_path)
    await onboarded(district, ANA)
    first = tmp_path / "student work samples.pdf"
    first.write_bytes(PDF)
    text = await session(
        district,
        ANA,
        [f"/file '{first}' Student work samples", f'/file "{tmp_path}/nope here.pdf"', "/quit"],
    )
    assert "Added to *Formative Assessment*: Student work samples." in text
    assert "I can't find a file at" in text


PLANS = """
  - code: C-PLANS
    title: Planning for Talk
    competency: Plans lessons where students talk.
    issuer: Testville SD
    hours_estimate: 6
    requirements:
      - {name: Lesson plan, kind: file, allowed_types: [application/pdf]}
      - {name: Student work, kind: file, allowed_types: [application/pdf, image/jpeg, image/png]}
      - {name: Board photo, kind: file, allowed_types: [image/jpeg, image/png]}
      - {name: Classroom video, kind: link}
      - {name: Reflection, kind: text}
    rubric:
      levels: [Not yet, Proficient]
      passing: Proficient
      criteria:
        - {name: Evidence, description: Students talk}
"""


def labels_of_last(person: LocalPerson) -> list[str]:
    """The labels of the buttons under the last reply, in order."""
    return [b.label for block in person.mailbox.last.blocks if isinstance(block, Buttons)
            for b in block.buttons]  # fmt: skip


async def working_on_plans(district: Services, tmp_path: Path) -> LocalPerson:
    """Ana on a credential with three file parts (of different types), a link and a note;
    her real lesson plan is already in."""
    text = (FIXTURES / "small_catalog.yaml").read_text()
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(text.replace("\nstacks:", PLANS.rstrip() + "\nstacks:", 1))
    await district.catalog.load(read_catalog(catalog))
    pursuit_id = await planned(district, ANA, "C-PLANS")
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    ana = LocalDriver(district).as_(ANA)
    await ana.send_file("lesson plan v1.pdf", PDF, "application/pdf", text="Lesson plan")
    return ana


async def test_a_file_named_for_the_link_part_says_what_that_part_takes(
    district: Services, tmp_path: Path
) -> None:
    """The trial: "/file student-work.pdf Classroom video" asked to replace her lesson plan."""
    ana = await working_on_plans(district, tmp_path)
    said = await ana.send_file(
        "student-work.pdf", PDF + b" work", "application/pdf", text="Classroom video"
    )
    assert (
        '*Classroom video* takes a link, not a file: send the link (e.g. from Drive or YouTube)'
        ' as "Classroom video: https://…". Is student-work.pdf for another part?'
    ) in said
    assert "already has" not in said and "Added" not in said
    labels = labels_of_last(ana)
    # Only the file parts a pdf fits; the one holding a file offered as what it is.
    assert labels == ["Replace Lesson plan", "For Student work",
                      "Not needed: let student-work.pdf go"]  # fmt: skip
    assert "- Lesson plan: lesson plan v1.pdf" in await ana.command("draft")

    # She sends the link as told: it is filed, and the file is still asked about, never
    # filed in the lesson plan's place.
    linked = await ana.say("Classroom video: https://video.example.org/lesson")
    assert "Added to *Planning for Talk*: Classroom video." in linked
    assert "I'm still keeping student-work.pdf" in linked
    assert "*Lesson plan* already has" not in linked
    # Asked again, the part holding her plan is offered as what pressing it would do.
    assert labels_of_last(ana)[:2] == ["Replace Lesson plan", "For Student work"]
    filed = await ana.press("file_as", labelled="For Student work")
    assert "Added to *Planning for Talk*: Student work." in filed
    basket = await ana.command("draft")
    assert "- Lesson plan: lesson plan v1.pdf" in basket
    assert "- Student work: student-work.pdf" in basket


async def test_a_file_named_for_the_note_part_says_to_type_it(
    district: Services, tmp_path: Path
) -> None:
    ana = await working_on_plans(district, tmp_path)
    said = await ana.send_file("board.png", b"\x89PNG\r\n\x1a\n board", "image/png",
                               text="Reflection")  # fmt: skip
    assert '*Reflection* takes words you type, not a file: send a message that starts ' \
        '"Reflection: " followed by your words.' in said
    labels = labels_of_last(ana)
    assert labels == ["For Student work", "For Board photo", "Not needed: let board.png go"]
    kept = await ana.press("let_file_go", labelled="Not needed")
    assert "OK, I've let go of board.png" in kept
    assert "board.png" not in await ana.command("draft")


async def test_the_terminal_file_command_named_for_the_link_part(
    district: Services, tmp_path: Path
) -> None:
    await working_on_plans(district, tmp_path)
    await onboarded(district, ANA)
    work = tmp_path / "student-work.pdf"
    work.write_bytes(PDF + b" work")
    text = await session(district, ANA, [f"/file {work} Classroom video", "draft", "/quit"])
    assert "*Classroom video* takes a link, not a file" in text
    assert "Replace it with student-work.pdf" not in text
    assert "- Lesson plan: lesson plan v1.pdf" in text
