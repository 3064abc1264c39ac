"""The completeness pre-check and the file sniffing it relies on: pure rules, checked directly."""

from __future__ import annotations

import io
import zipfile

import pytest

from coachbot.domain.catalog import Criterion, Level, PartKind, Requirement, Rubric
from coachbot.domain.evidence import EvidencePart
from coachbot.domain.filetypes import allowed, sniff
from coachbot.domain.precheck import Problem, precheck, reachable_looking, self_check

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REQUIREMENTS = (
    Requirement("Lesson plan", PartKind.FILE, allowed_types=(PDF, DOCX)),
    Requirement("Classroom video", PartKind.LINK),
    Requirement("Reflection", PartKind.TEXT, min_words=5, max_words=12),
    Requirement("Photos", PartKind.FILE, required=False, allowed_types=("image/*",)),
)
HASH = "a" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def file_part(name: str, media_type: str | None, file_name: str = "plan.pdf") -> EvidencePart:
    return EvidencePart(
        name,
        PartKind.FILE,
        file_name=file_name,
        file_size=10,
        content_hash=HASH,
        media_type=media_type,
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", PDF),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 24, "image/png"),
        (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
        (b"MZ\x90\0" + b"\0" * 60, "application/x-msdownload"),
        (b"Plain words, as a teacher would type them.\n", "text/plain"),
        (b"\0\x01\x02\x03garbage", None),
        (b"", None),
    ],
)
def test_a_file_is_what_its_first_bytes_say(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


def test_a_word_document_is_told_from_a_plain_zip() -> None:
    assert sniff(docx_bytes()) == DOCX
    assert sniff(b"PK\x03\x04" + b"\0" * 40) == "application/zip"


def test_allowed_types_take_exact_types_and_families() -> None:
    assert allowed("image/heic", ("image/*",))
    assert allowed(PDF, (PDF,))
    assert not allowed("application/zip", (PDF,))
    assert not allowed(None, (PDF,))
    assert allowed(None, ())


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://drive.google.com/file/d/abc/view", True),
        ("https://youtu.be/xyz", True),
        ("http://203.0.113.9/x", False),  # documentation range, never routed
        ("http://8.8.8.8/video", True),
        ("http://192.168.1.20/video.mp4", False),
        ("http://127.0.0.1:8000/x", False),
        ("https://video.lakeview.example/x", False),
        ("https://files.school.local/x", False),
        ("https://teacher:secret@files.school.org/x", False),
        ("https://intranet/x", False),
        ("ftp://files.school.org/x", False),
    ],
)
def test_links_must_look_reachable_from_a_reviewers_browser(url: str, ok: bool) -> None:
    assert reachable_looking(url) is ok


def test_a_complete_submission_has_no_gaps() -> None:
    parts = [
        file_part("Lesson plan", DOCX, "plan.docx"),
        EvidencePart("Classroom video", PartKind.LINK, url="https://video.example.org/v"),
        EvidencePart("Reflection", PartKind.TEXT, text="one two three four five six"),
    ]
    assert precheck(REQUIREMENTS, parts) == []


def test_every_gap_is_named_at_once() -> None:
    parts = [
        file_part("Lesson plan", "application/zip"),
        EvidencePart("Reflection", PartKind.TEXT, text="too short"),
        file_part("Photos", None, "IMG_1.heic"),
    ]
    gaps = precheck(REQUIREMENTS, parts)
    assert [(g.requirement, g.problem) for g in gaps] == [
        ("Lesson plan", Problem.FILE_TYPE),
        ("Classroom video", Problem.MISSING),
        ("Reflection", Problem.TOO_SHORT),
        ("Photos", Problem.FILE_TYPE_UNKNOWN),
    ]
    assert gaps[0].to_json() == {
        "requirement": "Lesson plan",
        "problem": "file_type",
        "file": "plan.pdf",
        "found": "zip",
        "allowed": ["pdf", "docx"],
    }
    assert gaps[2].detail == {"words": 2, "min": 5}


def test_a_draft_may_leave_parts_out_but_what_it_holds_must_be_usable() -> None:
    long = EvidencePart("Reflection", PartKind.TEXT, text="word " * 13)
    gaps = precheck(REQUIREMENTS, [long], complete=False)
    assert [(g.requirement, g.problem, g.detail) for g in gaps] == [
        ("Reflection", Problem.TOO_LONG, {"words": 13, "max": 12})
    ]


def test_a_link_in_place_of_a_file_must_still_be_reachable() -> None:
    any_file = (Requirement("Student work", PartKind.FILE),)  # no types: a link may stand in
    link = EvidencePart("Student work", PartKind.LINK, url="http://localhost.localdomain/x")
    assert precheck(any_file, [link])[0].problem is Problem.LINK_UNREACHABLE
    shared = EvidencePart("Student work", PartKind.LINK, url="https://drive.google.com/x")
    assert precheck(any_file, [shared]) == []


def test_a_link_for_a_part_that_names_its_file_types_is_not_the_file() -> None:
    """As the basket refuses it: "As pdf or docx" asks for the file itself."""
    link = EvidencePart("Lesson plan", PartKind.LINK, url="https://drive.google.com/x")
    gaps = precheck(REQUIREMENTS[:1], [link])
    assert [(g.problem, g.detail) for g in gaps] == [
        (Problem.WRONG_KIND, {"expected": "file", "got": "link", "allowed": ["pdf", "docx"]})
    ]


def test_the_self_check_maps_parts_to_criteria_and_shows_the_gaps() -> None:
    levels = (Level("Developing", 1), Level("Proficient", 2, "Students lead the talk"))
    rubric = Rubric(
        (
            Criterion("Design", "Open questions", levels, evidence=("Lesson plan",)),
            Criterion("Talk", "Students talk", levels, evidence=("Classroom video", "Reflection")),
            Criterion("Growth", "Learns from it", levels),  # names none: every part shows it
        ),
        passing_score=2,
    )
    parts = [
        file_part("Lesson plan", PDF),
        EvidencePart("Reflection", PartKind.TEXT, text="short"),
    ]
    checks = {c.criterion: c for c in self_check(REQUIREMENTS, rubric, parts)}
    assert checks["Design"].covered
    assert checks["Talk"].shown_by == ()
    assert checks["Talk"].lacking == ("Classroom video", "Reflection")
    assert checks["Talk"].passing_level == "Proficient"
    assert checks["Talk"].passing_descriptor == "Students lead the talk"
    assert checks["Growth"].shown_by == ("Lesson plan",)
    assert checks["Growth"].lacking == ("Classroom video", "Reflection")
