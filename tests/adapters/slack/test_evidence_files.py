"""In Slack, a file a teacher shares (in a DM or in the hand-in modal) is downloaded once and
kept, and the reviewer's evidence view carries a link that opens those very bytes."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import aiohttp

from coachbot.composition import Services
from coachbot.storage.evidence_files import digest
from tests.adapters.slack.conftest import ANA_U, FAY_U, GIL_U
from tests.adapters.slack.harness import SlackRoom
from tests.helpers import file_listener

PDF = b"%PDF-1.4 lesson plan shared in Slack\n" + bytes(range(256)) * 4
REFLECTION = (
    "Reflection: my students asked each other why, again and again, and the quiet ones joined "
    "in once the questions were theirs rather than mine."
)
LINK = re.compile(r"https?://[^\s|>]+/evidence/[^\s|>]+")


async def fetch(base: str, link: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as session, session.get(
        base + urlsplit(link).path
    ) as response:
        return response.status, await response.read()


async def test_a_file_shared_in_a_dm_is_kept_and_the_reviewer_opens_it(
    district: Services, room: SlackRoom
) -> None:
    await room.command(ANA_U, "choose C-ONE")
    await room.press(ANA_U, "use_plan")
    await room.dm(ANA_U, "", [room.share("F0KEEP01", "plan.pdf", PDF, "application/pdf")])
    assert await district.evidence_store.get(digest(PDF)) == PDF  # kept as it arrived
    await room.dm(ANA_U, "Here's the video <https://video.example.org/lesson-1>")
    await room.dm(ANA_U, REFLECTION)
    await room.press(ANA_U, "send_draft")

    reviewer = next(u for u in (FAY_U, GIL_U) if room.texts(u))
    await room.press(reviewer, "open_review")
    evidence = room.everything(reviewer)
    assert "plan.pdf (1.0 KB), open it: http" in evidence
    link = LINK.search(evidence)
    assert link is not None
    async with file_listener(district) as base:
        assert await fetch(base, link.group()) == (200, PDF)
        # A link made out to the reviewer and altered by hand opens nothing.
        assert (await fetch(base, link.group()[:-3] + "AAA"))[0] == 403


async def test_a_file_uploaded_in_the_hand_in_modal_is_kept(
    district: Services, room: SlackRoom
) -> None:
    await room.command(ANA_U, "choose C-ONE")
    await room.press(ANA_U, "use_plan")
    await room.command(ANA_U, "draft")
    await room.press(ANA_U, "hand_in_form")
    upload = room.fake.uploaded("F0FORM02", "plan.pdf", PDF, "application/pdf")
    await room.submit(ANA_U, {"part1": "https://video.example.org/lesson-1",
                              "part2": REFLECTION.removeprefix("Reflection: "),
                              "send_as": "formal"},
                      files={"part0": [upload]})
    assert "You've submitted" in room.last(ANA_U)
    assert await district.evidence_store.get(digest(PDF)) == PDF
