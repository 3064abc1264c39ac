"""Every form the registry knows, filled in with one wrong answer at a time, as a person would:
the wrong field is asked again on its own, with what it takes (the choices by their labels),
and every other answer comes back as it was typed.

The forms are enumerated from the registry, so a new form fails here until someone says how a
person reaches it (``OPENERS``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.local.driver import LocalDriver, LocalPerson
from coachbot.composition import Services
from coachbot.conversation.vocabulary import FieldKind, Form, FormField
from coachbot.domain.journey import Move
from coachbot.storage.models import IssuedCredential
from tests.helpers import ANA, BEN, DEE, FAY, actor, earn, planned, under_review
from tests.services.routing_world import set_peer_review

PDF = b"%PDF-1.4 lesson plan with question stems"
REFLECTION = (
    "Reflection: my students asked each other why, again and again, and the quiet ones joined "
    "in once the questions were theirs rather than mine."
)
WORDS = "Students answered each other, and the quiet ones joined in once the stems were up."

# A person reaches the form; returns them (their newest form is the one) and the answers that
# fit this form where a kind's usual good answer does not.
Opener = Callable[[Services, LocalDriver], Awaitable[tuple[LocalPerson, dict[str, str]]]]


def _day(services: Services, days: int) -> str:
    return (services.clock.now().date() + timedelta(days=days)).isoformat()


async def _onboarding(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    ana = room.as_(ANA)
    await ana.command("start")
    return ana, {}


async def _cohort(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    dee = room.as_(DEE)
    await dee.command("cohort", "new")
    return dee, {"starts": _day(services, 7), "ends": _day(services, 90)}


async def _approval_request(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    ana = room.as_(ANA)
    await ana.command("choose", "C-APPROVE")
    await ana.press("request_approval")
    return ana, {}


async def _send_back(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    ana, _ = await _approval_request(services, room)
    await ana.submit({"alignment": "Our school goal is student discourse."})
    dee = room.as_(DEE)
    await dee.press("send_back")
    return dee, {}


async def _hand_in(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    pursuit_id = await planned(services, ANA)
    await services.journey.move(await actor(services, ANA), pursuit_id, Move.START_WORK)
    ana = room.as_(ANA)
    await ana.say("Here's the video https://video.example.org/lesson-1")
    await ana.press("hand_in_form")
    return ana, {}


async def _deadline(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("change_deadline")
    return ana, {"when": _day(services, 30)}


async def _plan_edit(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    ana = room.as_(ANA)
    await ana.command("choose", "C-TWO")
    await ana.press("use_plan")
    await ana.command("plan")
    await ana.press("edit_plan")
    return ana, {}


async def _official_review(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    _, review_id = await under_review(services, ANA, FAY)
    fay = room.as_(FAY)
    await fay.command("review", str(review_id))
    await fay.press("score")
    return fay, {}


async def _draft_sent(services: Services, room: LocalDriver) -> None:
    await set_peer_review(services, True)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", PDF, "application/pdf")
    await ana.say(REFLECTION)
    await ana.press("send_draft")
    await ana.press("send_as_is")  # no video yet: work in progress, on purpose


async def _feedback_review(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    await _draft_sent(services, room)
    fay = room.as_(FAY)
    await fay.press("open_review")
    await fay.press("score")
    return fay, {}


async def _peer_comment(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    await _draft_sent(services, room)
    ben = room.as_(BEN)
    await ben.press("open_review")
    await ben.press("score", labelled="Comment")
    return ben, {}


async def _hand_off(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    _, review_id = await under_review(services, ANA, FAY)
    fay = room.as_(FAY)
    await fay.command("review", str(review_id))
    await fay.press("hand_off")
    return fay, {}


async def _revoke_reason(services: Services, room: LocalDriver) -> tuple[LocalPerson, dict]:
    await earn(services, ANA)
    dee = room.as_(DEE)
    async with services.db.read() as session:
        public_id = await session.scalar(select(IssuedCredential.public_id))
    await dee.command("revoke", str(public_id))  # no reason typed: it is asked for
    return dee, {}


OPENERS: dict[str, tuple[Opener, ...]] = {
    "onboarding": (_onboarding,),
    "cohort_new": (_cohort,),
    "approval_request": (_approval_request,),
    "send_back": (_send_back,),
    "hand_in": (_hand_in,),
    "deadline": (_deadline,),
    "plan_edit": (_plan_edit,),
    "review": (_official_review, _feedback_review, _peer_comment),
    "hand_off": (_hand_off,),
    "revoke_reason": (_revoke_reason,),
}
WALKS = [(form_id, opener) for form_id, openers in OPENERS.items() for opener in openers]


def wrong(field: FormField) -> str | None:
    """One answer this field must refuse, or None when it takes anything (an optional text)."""
    if field.kind in (FieldKind.CHOICE, FieldKind.TIMEZONE):
        return "maybe"
    if field.kind is FieldKind.DATE:
        return "the twelfth of never"
    if field.kind is FieldKind.URL:
        return "my drive folder"
    if field.kind is FieldKind.NUMBER and field.max_value is not None:
        return str(int(field.max_value) + 1)
    if field.kind in (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT):
        if field.max_words is not None:
            return " ".join(["word"] * (field.max_words + 1))
        if field.required:
            return ""
    return None


def good(field: FormField, fitting: dict[str, str]) -> str:
    """An answer a person would give: what fits this form, what the form already holds, or
    for a choice its last option by its label (as shown, not its value)."""
    if field.name in fitting:
        return fitting[field.name]
    if field.initial:
        return field.initial
    if field.kind in (FieldKind.CHOICE, FieldKind.TIMEZONE):
        return field.options[-1].label
    if field.kind is FieldKind.URL:
        return "https://video.example.org/lesson-2"
    if field.kind is FieldKind.DATE and not field.required:
        return ""
    return WORDS


def meant(field: FormField, answer: str) -> str:
    """What an answer means as stored: a choice's value for its label."""
    return next((o.value for o in field.options if answer == o.label), answer)


def test_every_registered_form_is_walked(district: Services) -> None:
    registered = set(LocalDriver(district).conversation.registry.forms)
    assert registered == set(OPENERS), "say in OPENERS how a person reaches each form"


@pytest.mark.parametrize(("form_id", "opener"), WALKS, ids=[o.__name__ for _, o in WALKS])
async def test_one_wrong_answer_is_asked_again_and_the_rest_kept(
    district: Services, form_id: str, opener: Opener
) -> None:
    room = LocalDriver(district)
    person, fitting = await opener(district, room)
    form: Form = person.mailbox.forms[-1]
    assert form.form_id == form_id
    answers = {f.name: good(f, fitting) for f in form.fields if f.kind is not FieldKind.FILE}
    walked = 0
    for field in form.fields:
        bad = wrong(field)
        if bad is None:
            continue
        walked += 1
        opened = len(person.mailbox.forms)
        told = await person.submit(answers | {field.name: bad}, form_id=form_id)
        assert len(person.mailbox.forms) == opened + 1, f"{field.name}: not asked again"
        again = person.mailbox.forms[-1]
        assert again.form_id == form_id and again.context == form.context
        assert again.ask == (field.name,), f"{field.name}: only the wrong field is asked"
        assert field.label in told and "another look" in told
        asked = {f.name: f for f in again.fields}
        assert asked[field.name].problem and asked[field.name].problem in told
        for option in field.options:  # the choices, as the person sees them
            assert option.label in asked[field.name].problem
            if "_" in option.value:  # an internal value ("not_yet") never reaches a person
                assert option.value not in told
        for other in form.fields:
            if other.name != field.name and other.kind is not FieldKind.FILE:
                assert asked[other.name].initial == meant(other, answers[other.name]), (
                    f"{field.name} wrong: {other.name} was not kept"
                )
    assert walked, f"{form_id}: no field to get wrong"
    # Put right, the form asked again goes through with every kept answer.
    opened = len(person.mailbox.forms)
    last = person.mailbox.forms[-1]
    fixed = await person.submit({name: good(f, fitting) for f in last.fields
                                 if (name := f.name) in last.ask})
    assert len(person.mailbox.forms) == opened or person.mailbox.forms[-1].ask == (), fixed
    assert "went wrong" not in fixed
