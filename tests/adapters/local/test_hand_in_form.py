"""Handing in evidence with one form through the local adapter: a field per part, filled in with
what the basket holds, the pre-check's "almost there" when a part is missing, and nothing typed
lost on the way."""

from __future__ import annotations

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.conversation.vocabulary import FieldKind
from coachbot.domain.journey import Move
from tests.helpers import ANA, FAY, GIL, actor, planned

PDF = b"%PDF-1.4 lesson plan with question stems"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REFLECTION = (
    "My students asked each other why, again and again. The question stems on the board gave "
    "the quiet ones a way in, and two groups argued about evidence for the first time."
)


async def test_a_teacher_hands_in_every_part_with_one_form(district: Services) -> None:
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    room = LocalDriver(district)
    ana = room.as_(ANA)

    # The DM way still works beside the form: a link sent as a message lands in the basket.
    await ana.say("Here's the video https://video.example.org/lesson-1")
    assert "[Hand in with a form]" in ana.last
    await ana.press("hand_in_form")
    form = ana.mailbox.forms[-1]
    by_name = {f.name: f for f in form.fields}
    assert [f.kind for f in form.fields] == [
        FieldKind.FILE,
        FieldKind.URL,
        FieldKind.LONG_TEXT,
        FieldKind.CHOICE,
    ]
    assert by_name["part1"].initial == "https://video.example.org/lesson-1"  # from the basket
    assert "20 to 400 words" in by_name["part2"].hint
    assert by_name["send_as"].initial == "draft"  # parts are still missing

    # Formal, with the lesson plan left out: the pre-check's friendly word, and the reflection
    # she typed is kept in the basket.
    held = await ana.submit({"part2": REFLECTION, "send_as": "formal"})
    assert "Almost there!" in held
    assert "*Lesson plan* is still needed" in held
    basket = await ana.command("draft")
    assert "Reflection: My students asked" in basket

    # A "PDF" that is really a picture is told by its content.
    await ana.press("hand_in_form")
    assert ana.mailbox.forms[-1].fields[2].initial == REFLECTION
    odd = await ana.submit(
        {"send_as": "formal"}, files={"part0": [("plan.pdf", PNG, "application/pdf")]}
    )
    assert "plan.pdf is really a" in odd

    await ana.press("hand_in_form")
    done = await ana.submit(
        {"send_as": "formal"}, files={"part0": [("plan.pdf", PDF, "application/pdf")]}
    )
    assert "You've submitted *Questioning for Discourse*" in done
    assert "Under review" in (await ana.command("status"))

    reviewer = next(r for r in (room.as_(FAY), room.as_(GIL)) if r.mailbox.replies)
    evidence = await reviewer.press("open_review")
    assert "plan.pdf" in evidence
    assert "https://video.example.org/lesson-1" in evidence
    assert "two groups argued about evidence" in evidence


async def test_a_mistyped_link_in_the_form_is_told_and_the_rest_is_kept(
    district: Services,
) -> None:
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    ana = LocalDriver(district).as_(ANA)
    await ana.command("draft")
    await ana.press("hand_in_form")
    told = await ana.submit({"part1": "the video on my drive", "part2": REFLECTION})
    assert '"the video on my drive" doesn\'t look like a web link' in told
    # Only the link is asked again; the reflection she wrote is kept in the form.
    again = ana.mailbox.forms[-1]
    assert again.ask == ("part1",)
    assert {f.name: f.initial for f in again.fields}["part2"] == REFLECTION
    sent = await ana.submit({"part1": "https://video.example.org/lesson-1"})
    assert "Your draft of *Questioning for Discourse* is with Fay Facilitator" in sent
    basket = await ana.command("draft")
    kept = "Kept from your last hand-in unless you resend them: Classroom video, Reflection."
    assert kept in basket
