"""The end of onboarding names what already waits for this person, with the button that opens
it: a trial's peer opened the chat to "You've been asked to comment...", the welcome form
pushed it off screen, and the form ended on "Next: browse the credentials" alone."""

from __future__ import annotations

from adapters.local.driver import LocalDriver, LocalPerson
from coachbot.composition import Services
from coachbot.conversation.vocabulary import Buttons, Style
from tests.helpers import BEN, FAY, draft_sent
from tests.services.routing_world import set_peer_review


def _buttons(person: LocalPerson) -> list[tuple[str, Style]]:
    return [
        (button.label, button.style)
        for block in person.mailbox.last.blocks
        if isinstance(block, Buttons)
        for button in block.buttons
    ]


async def test_a_peer_finishing_the_welcome_form_reads_the_draft_waiting_for_her(
    district: Services,
) -> None:
    await set_peer_review(district, True)
    room = LocalDriver(district)
    await draft_sent(room)
    ben = room.as_(BEN)
    assert "asked to comment on" in ben.last
    await ben.say("hi")  # his first contact: the welcome and the settings form
    done = await ben.submit({}, form_id="onboarding")
    waiting = "Waiting for your comments: Ana Teacher's draft of *Questioning for Discourse*"
    assert waiting in done, done
    assert "Say *queue* to open it and comment." in done
    assert done.index(waiting) < done.index("browse the credentials")
    assert "After that: browse the credentials" in done
    buttons = _buttons(ben)
    assert buttons[0] == ("Open Ana Teacher's draft", Style.PRIMARY), buttons
    assert ("Browse credentials", Style.DEFAULT) in buttons
    opened = await ben.press("open_review", labelled="Open Ana Teacher's draft")
    assert "plan.pdf" in opened


async def test_a_facilitator_finishing_the_welcome_form_gets_the_review_waiting(
    district: Services,
) -> None:
    room = LocalDriver(district)
    await draft_sent(room)  # Fay, Ana's school's facilitator, gets the draft to review
    fay = room.as_(FAY)
    await fay.command("start")
    done = await fay.submit({}, form_id="onboarding")
    assert "1 review waiting for you: Ana Teacher's *Questioning for Discourse*" in done, done
    assert _buttons(fay)[0] == ("Open Ana Teacher's review", Style.PRIMARY)
    assert "plan.pdf" in await fay.press("open_review", labelled="Open Ana Teacher's review")


async def test_a_teacher_with_nothing_waiting_is_still_sent_to_the_catalog(
    district: Services,
) -> None:
    ben = LocalDriver(district).as_(BEN)
    await ben.command("start")
    done = await ben.submit({}, form_id="onboarding")
    assert "Next: browse the credentials and choose one that fits your classroom." in done
    assert "Waiting for your comments" not in done
    assert _buttons(ben)[0] == ("Browse credentials", Style.PRIMARY)
