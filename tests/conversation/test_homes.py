"""A home for each role, from the person's side: first contact, "hi", "help" and small talk
show each person what waits for them now, and only their own roles' commands."""

from __future__ import annotations

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from tests.helpers import ANA, BEN, DEE, FAY, SAM, submitted, under_review

TEACHER_WELCOME = "I'll help you choose a micro-credential"


async def onboard(room: LocalDriver, email: str) -> str:
    person = room.as_(email)
    first = await person.command("start")
    await person.submit({"timezone": "America/Chicago", "open_to_questions": "yes"})
    return first


async def test_first_contact_greets_each_role_as_itself(district: Services) -> None:
    room = LocalDriver(district)
    assert TEACHER_WELCOME in await room.as_(ANA).say("hi")
    dee = await room.as_(DEE).say("hello")
    assert TEACHER_WELCOME not in dee
    assert "approval" in dee
    sam = await onboard(room, SAM)
    assert TEACHER_WELCOME not in sam
    fay = await onboard(room, FAY)  # a teacher who also reviews hears both
    assert TEACHER_WELCOME in fay and "review" in fay
    after = room.as_(DEE)
    await after.command("settings")
    await after.submit({"timezone": "America/Chicago", "open_to_questions": "no"})
    assert "choose one that fits your classroom" not in after.last
    assert "No requests are waiting for your approval" in after.last


async def test_hi_to_someone_set_up_says_hello_and_opens_no_form(district: Services) -> None:
    room = LocalDriver(district)
    await onboard(room, ANA)
    ana = room.as_(ANA)
    forms = len(ana.mailbox.forms)
    hello = await ana.say("hi")
    assert hello.startswith("Hi Ana Teacher!")
    assert "You haven't chosen a credential yet" in hello
    assert len(ana.mailbox.forms) == forms
    settings = await ana.command("start")  # asked for by name, the settings still open
    assert "Here are your settings" in settings and len(ana.mailbox.forms) == forms + 1


async def test_small_talk_gets_a_short_human_answer(district: Services) -> None:
    room = LocalDriver(district)
    await onboard(room, ANA)
    ana = room.as_(ANA)
    for said, expected in (
        ("thanks!", "You're welcome"),
        ("Thank you so much", "You're welcome"),
        ("ok", "Good."),
        ("bye", "Bye for now"),
        ("hello", "Hi Ana Teacher!"),
        ("Hi CoachBot!", "Hi Ana Teacher!"),
        ("ok, thanks", "You're welcome"),
    ):
        answer = await ana.say(said)
        assert expected in answer, (said, answer)
        assert "didn't catch" not in answer and "evidence" not in answer
    assert "You're welcome" in await ana.command("thanks")


async def test_help_lists_only_the_persons_own_commands(district: Services) -> None:
    room = LocalDriver(district)
    teacher = await room.as_(ANA).command("help")
    for staff_only in ("*queue*", "*review*", "*handoff*", "*approvals*", "*cohort*"):
        assert staff_only not in teacher
    assert "*choose*" in teacher and "*submit*" in teacher
    assert "You haven't chosen a credential yet" in teacher
    admin = await room.as_(DEE).command("help")
    assert "*approvals*" in admin and "*policy*" in admin
    assert "*choose*" not in admin and "You haven't chosen" not in admin
    principal = await room.as_(SAM).command("help")
    assert "*approvals*" in principal and "*policy*" not in principal
    both = await room.as_(FAY).command("help")  # a teacher who also facilitates sees each part
    assert "*Your credentials*" in both and "*Reviewing and coaching*" in both
    assert "*queue*" in both and "*choose*" in both


async def test_a_facilitator_with_a_review_waiting_reads_it_first(district: Services) -> None:
    await under_review(district, ANA, FAY)
    room = LocalDriver(district)
    fay = await room.as_(FAY).command("help")
    assert "1 review waiting for you: Ana Teacher's *Questioning for Discourse*, due " in fay
    assert "You haven't chosen a credential yet" not in fay  # her own work comes second
    status = await room.as_(FAY).command("status")
    assert "1 review waiting for you" in status and "haven't chosen" not in status
    hello = await onboard(room, FAY)
    assert "1 review waiting for you" in room.as_(FAY).last, hello


async def test_an_admin_sees_approvals_and_quiet_teachers(district: Services) -> None:
    await submitted(district, ANA)
    room = LocalDriver(district)
    dee = await room.as_(DEE).command("help")
    assert "No requests are waiting for your approval" in dee
    assert "*undelivered*" in dee


async def test_staff_who_left_the_settings_form_still_reach_their_home(
    district: Services,
) -> None:
    """The trial's facilitator: "hi" reopened the welcome form after each /cancel, so the
    reviews waiting were never shown. Staff get their home, with a line about settings."""
    await under_review(district, ANA, FAY)
    room = LocalDriver(district)
    dee = room.as_(DEE)
    forms = len(dee.mailbox.forms)
    hello = await dee.say("hi")
    assert hello.startswith("Hi Dee")
    assert "me.Your" not in hello and "\nYour settings aren't saved yet" in hello
    assert len(dee.mailbox.forms) == forms  # no form in the way
    assert TEACHER_WELCOME in await room.as_(BEN).say("hi")  # a teacher's first contact
    # Ana has handed in work: she has used CoachBot, so "hi" greets her, never as new.
    assert TEACHER_WELCOME not in await room.as_(ANA).say("hi")
