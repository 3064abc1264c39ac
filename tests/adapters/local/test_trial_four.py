"""The fourth trial (make demo, then the terminal), replayed: each finding typed again as the
person typed it, through the terminal's own input loop, and read as they read it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import select

from adapters.local.driver import LocalDriver
from adapters.local.terminal import chat
from coachbot.composition import Services
from coachbot.domain.evidence import EvidencePart, PartKind
from coachbot.storage.models import IssuedCredential, Review
from tests.adapters.local.test_approvals_chat import onboarded
from tests.adapters.local.test_terminal_trial import session
from tests.helpers import ANA, BEN, DEE, FAY, REFLECTION, earn, earn_with
from tests.services.routing_world import set_peer_review

# Thursday, December 3, 2026, 9:00 PM in Chicago: already Friday, December 4 in UTC.
EVENING = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
LOCAL = "Thursday, December 3 at 9:00 PM CST"


async def _public_ids(district: Services) -> list[str]:
    async with district.db.read() as db:
        return list(
            await db.scalars(select(IssuedCredential.public_id).order_by(IssuedCredential.id))
        )


async def _revoked_in_the_evening(district: Services, public_id: str) -> str:
    """Dee revokes in the terminal, on a Chicago evening that is the next day in UTC; what
    she reads."""
    district.clock.set(EVENING)
    return await session(district, DEE, [f"revoke {public_id} awarded in error", "1", "/quit"])


async def _two_earned(district: Services) -> list[str]:
    await earn(district, ANA)  # Questioning for Discourse
    parts = [EvidencePart("Reflection", PartKind.TEXT, text=REFLECTION)]
    await earn_with(district, ANA, "C-TWO", parts, {"Adjustment": "Proficient"})
    await onboarded(district, ANA, DEE)
    return await _public_ids(district)


async def test_every_credential_revoked_offers_nothing_to_share(district: Services) -> None:
    await earn(district, ANA)
    await onboarded(district, ANA, DEE)
    (public_id,) = await _public_ids(district)
    await _revoked_in_the_evening(district, public_id)
    text = await session(district, ANA, ["my credentials", "/quit"])
    assert (
        "Your credential was revoked, so none counts and there is nothing to share or to add"
        " to a wallet or LinkedIn"
    ) in text
    assert "Share a link with anyone" not in text
    assert "Say *badge" not in text and "how to add them to a wallet" not in text
    # Her revocation notice, held for her evening, comes first with its link; the list has none.
    assert f"/credentials/{public_id}" not in text.split("Here's where you stand", 1)[1]


async def test_a_revoked_credential_among_others_has_no_link_to_share(
    district: Services,
) -> None:
    first, second = await _two_earned(district)
    await _revoked_in_the_evening(district, first)
    text = await session(district, ANA, ["my credentials", "/quit"])
    assert (
        f"1. *Questioning for Discourse*, earned September 8, 2026: revoked on {LOCAL}"
        " (awarded in error). It no longer counts, so it has no link to share"
    ) in text
    # Her revocation notice, held for her evening, comes first with its link; the list has none.
    assert f"/credentials/{first}" not in text.split("Here's where you stand", 1)[1]
    assert "2. *Exit Tickets that Inform*, earned September 8, 2026\n  " in text
    assert f"/credentials/{second}" in text
    assert "Say *badge 2* (the number in this list)" in text  # the one that can be shared


async def test_the_revocation_day_is_the_readers_own_everywhere(district: Services) -> None:
    await earn(district, ANA)
    await onboarded(district, ANA, DEE)
    (public_id,) = await _public_ids(district)
    admin = await _revoked_in_the_evening(district, public_id)
    assert f"Revoked: *Questioning for Discourse* (Ana Teacher), as of {LOCAL}" in admin
    again = await session(district, DEE, [f"revoke {public_id} twice", "/quit"])
    assert f"was already revoked on {LOCAL} (awarded in error)" in again
    text = await session(district, ANA, ["status", "my credentials", "badge 1", "/quit"])
    assert f"Earned, then revoked on {LOCAL} (awarded in error)" in text  # status
    assert f": revoked on {LOCAL} (awarded in error)" in text  # my credentials
    assert f"was revoked on {LOCAL} (awarded in error)" in text  # badge 1
    # Only the notice's delivery, held for her night, is the next morning (a trial admin was
    # told nothing of when Ana would hear).
    held = (
        "It is quiet time for Ana Teacher now (their quiet hours or a school break), so the"
        " message goes to them on Friday, December 4 at 7:30 AM CST."
    )
    assert held in admin
    assert "December 4" not in text and "December 4" not in admin.replace(held, "") + again


async def test_my_record_lists_a_revoked_credential_and_does_not_count_it(
    district: Services,
) -> None:
    first, _ = await _two_earned(district)
    await _revoked_in_the_evening(district, first)
    text = await session(district, ANA, ["my record", "/quit"])
    assert (
        "Here is your record: 1 credential that counts, each with its evidence, credits and"
        " dates; 1 revoked credential is listed as revoked, with no credits, and not counted"
    ) in text
    token = text.split("/downloads/", 1)[1].split()[0]
    body = district.ledger_files.downloads.open(token).path.read_text()
    rows = {row["credential_code"]: row for row in csv.DictReader(io.StringIO(body))}
    revoked, kept = rows["C-ONE"], rows["C-TWO"]
    assert revoked["status"] == "revoked" and revoked["revoked_on"] == "2026-12-03"
    assert revoked["revoked_reason"] == "awarded in error"
    assert (revoked["hours"], revoked["points"], revoked["stipend_amount"]) == ("0", "0", "0.00")
    assert kept["status"] == "earned" and kept["hours"] == "4" and kept["revoked_on"] == ""


async def test_my_record_with_every_credential_revoked_reads_naturally(
    district: Services,
) -> None:
    """Nothing counts any more: the record says so plainly, not "no credential that counts,
    each with its evidence", and still hands over the file."""
    first, second = await _two_earned(district)
    await _revoked_in_the_evening(district, first)
    await _revoked_in_the_evening(district, second)
    text = await session(district, ANA, ["my record", "/quit"])
    assert (
        "Here is your record. No credential counts on it now: your 2 revoked credentials are"
        " listed as revoked, with no credits. A file to keep (the link is yours and expires):"
    ) in text
    assert "each with its evidence" not in text and "no credential that counts" not in text
    token = text.split("/downloads/", 1)[1].split()[0]
    body = district.ledger_files.downloads.open(token).path.read_text()
    assert {row["status"] for row in csv.DictReader(io.StringIO(body))} == {"revoked"}


async def _typed(district: Services, email: str, lines: list[str]) -> list[str]:
    """Each question asked and each line written, in the order the person saw them."""
    screen: list[str] = []
    answers = iter(lines)

    def ask(prompt: str) -> str:
        screen.append(f"? {prompt}")
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    await chat(district, email, ask, screen.append)  # type: ignore[arg-type]
    return screen


async def test_a_cohort_end_before_its_start_is_asked_again_at_once(
    district: Services,
) -> None:
    await onboarded(district, DEE)
    lines = ["cohort new", "Spring group", "2026-10-01", "2026-09-03", "2026-12-01", "", "",
             "/quit"]  # fmt: skip
    screen = await _typed(district, DEE, lines)
    said = next(i for i, line in enumerate(screen) if "would be before" in line)
    assert screen[said].strip() == (
        "*Ends on* Thursday, September 3, 2026 would be before *Starts on* Thursday, October 1,"
        " 2026. Please give a date on or after Thursday, October 1, 2026."
    )
    # Asked right after the end date was typed, and the end date is asked again at once.
    assert "Ends on" in screen[said - 1] and "Ends on" in screen[said + 1]
    assert not any("Submissions" in line for line in screen[:said])
    text = "\n".join(screen)
    assert "Swap them" not in text and "I kept your other answers" not in text
    assert (
        "Cohort *Spring group* is ready: Thursday, October 1, 2026 to Tuesday, December 1, 2026"
    ) in text


async def test_a_finished_review_says_so_and_offers_no_scoring(district: Services) -> None:
    await earn(district, ANA)  # Fay recorded "earned" on Tuesday, September 8, 9:00 in Chicago
    await onboarded(district, FAY)
    text = await session(district, FAY, ["review 1", "/quit"])
    assert (
        "*This review is finished*: you recorded the decision *Earned* on Tuesday, September 8"
        " at 9:00 AM CDT, and Ana Teacher has been told. There is nothing left to score here"
    ) in text
    assert "[1] Score" not in text and "Hand off" not in text


async def test_a_peer_is_asked_in_words_addressed_to_them(district: Services) -> None:
    await set_peer_review(district, True)
    room = LocalDriver(district)
    ana, ben = room.as_(ANA), room.as_(BEN)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", b"%PDF-1.4 lesson plan", "application/pdf")
    await ana.say("Here's the video https://video.example.org/lesson-1")
    await ana.say(REFLECTION)
    await ana.press("send_draft")
    assert ben.last.startswith(
        "You've been asked to comment on *Ana Teacher*'s draft of *Questioning for Discourse*"
    )
    await onboarded(district, BEN)
    async with district.db.read() as db:
        peer = await db.scalar(select(Review.id).where(Review.purpose == "peer"))
    text = await session(district, BEN, [f"review {peer}", "1", "Lovely open questions.", "",
                                         "Let students pose the follow-up.", "",
                                         f"review {peer}",
                                         "/quit"])  # fmt: skip
    live, finished = text.split("Thanks! Ana Teacher has your comments", 1)
    assert "You've been asked to comment on *Ana Teacher*'s draft" in live
    # Her comments sent, the draft is closed to her (a colleague reads it only while she
    # comments), and she is told so, kindly.
    assert f"Review {peer} was your comment on a colleague's draft, and you sent it on" in finished
    assert "open to you only while you comment" in finished
    assert "You've been asked" not in finished and "[1] Comment" not in finished
