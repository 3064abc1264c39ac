"""Words that fit, from the person's side: withdrawing asks first, a gone button offers the
current ones, "you" for one's own work, status without a stale next step, "ask again" asks
again, and no internal word in any answer."""

from __future__ import annotations

from adapters.local.driver import LocalDriver
from adapters.local.terminal import chat
from coachbot.composition import Services
from coachbot.domain.journey import Move
from tests.adapters.local.test_approvals_chat import NOTE, PLAN, REASONS
from tests.helpers import ANA, DEE, FAY, actor, earn, planned, submitted


async def working(district: Services) -> LocalDriver:
    pursuit_id = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pursuit_id, Move.START_WORK)
    return LocalDriver(district)


async def test_withdraw_asks_first_and_never_says_pursuit(district: Services) -> None:
    ana = (await working(district)).as_(ANA)
    asked = await ana.command("withdraw", "C-ONE")
    assert "Withdraw from *Questioning for Discourse*?" in asked
    assert "In progress" in await ana.command("status")  # nothing happened yet
    assert ana.button("withdraw", labelled="Yes, withdraw")
    done = await ana.press("withdraw", labelled="Yes, withdraw")
    assert "You've withdrawn from *Questioning for Discourse*" in done
    again = await ana.press("withdraw", labelled="Yes, withdraw")
    assert again.startswith("You already withdrew from this on ")
    gone = await ana.command("withdraw", "C-ONE")
    for answer in (asked, done, again, gone):
        assert "pursuit" not in answer.lower()
    assert 'You\'re not working on "C-ONE"' in gone


async def test_withdraw_yes_typed_acts_at_once(district: Services) -> None:
    ana = (await working(district)).as_(ANA)
    assert "You've withdrawn" in await ana.command("withdraw", "C-ONE yes")


async def test_keep_working_shows_status(district: Services) -> None:
    ana = (await working(district)).as_(ANA)
    await ana.command("withdraw", "C-ONE")
    kept = await ana.press("status", labelled="Keep working")
    assert "Here's where you stand" in kept and "In progress" in kept


async def test_a_gone_button_says_so_and_offers_the_current_ones(district: Services) -> None:
    ana = (await working(district)).as_(ANA)
    answer = await ana.press_value("an_old_action_nobody_answers", "12")
    assert answer.startswith("That button is gone")
    assert "Here's where you stand" in answer and "[Done: next step of C-ONE]" in answer
    forged = await ana.press_value("send_draft", "not-a-ref")  # a known action, a garbled value
    assert forged.startswith("That button is gone") and "didn't catch" not in forged


async def test_sending_twice_speaks_of_your_own_work(district: Services) -> None:
    ana = (await working(district)).as_(ANA)
    await ana.say("Reflection: " + "Students asked each other why. " * 5)
    await ana.command("send")
    await ana.press("send_as_is")  # the rest is still to come: a draft of the work so far
    await ana.say("https://video.example.org/v2")
    again = await ana.command("send")
    assert again.startswith("You already sent this draft to your facilitator on ")
    assert "Ana Teacher" not in again


async def test_sending_work_already_with_a_reviewer_says_you_handed_it_in(
    district: Services,
) -> None:
    await submitted(district, ANA)
    ana = LocalDriver(district).as_(ANA)
    await ana.say("Reflection: " + "Students asked each other why. " * 5)
    for typed in ("send", "submit"):
        answer = await ana.command(typed)
        assert answer.startswith("You already handed this in"), answer
        assert "Ana Teacher" not in answer


async def test_status_has_no_stale_next_step_once_handed_in_or_earned(district: Services) -> None:
    await submitted(district, ANA)
    ana = LocalDriver(district).as_(ANA)
    waiting = await ana.command("status")
    assert "Submitted; waiting for the reviewer's decision" in waiting
    assert "next:" not in waiting and "Plan the lesson" not in waiting


async def test_an_earned_credential_shows_earned_and_no_next_step(district: Services) -> None:
    await earn(district, ANA, FAY)
    status = await LocalDriver(district).as_(ANA).command("status")
    assert "*Questioning for Discourse*: Earned\n" in status + "\n"
    assert "next:" not in status and "deadline" not in status


async def test_typing_ask_again_reopens_the_approval_request(district: Services) -> None:
    ana_actor = await actor(district, ANA)
    chosen = await district.choosing.choose(ana_actor, "C-APPROVE")
    await district.approvals.request(ana_actor, chosen.pursuit_id, reasons=REASONS, plan=PLAN)
    await district.approvals.send_back(await actor(district, DEE), chosen.pursuit_id, NOTE)
    room = LocalDriver(district)
    ana = room.as_(ANA)
    forms = len(ana.mailbox.forms)
    answer = await ana.say("ask again")
    assert "facilitator" not in answer and "admins" not in answer
    assert len(ana.mailbox.forms) == forms + 1
    assert ana.mailbox.forms[-1].form_id == "approval_request"
    assert room.mail[DEE].replies == []  # no help request went to the admins



async def test_ask_again_with_nothing_sent_back_sends_nothing(district: Services) -> None:
    room = await working(district)
    answer = await room.as_(ANA).say("ask again")
    assert "There's no request waiting to be asked again" in answer
    assert room.mail[FAY].replies == [] and room.mail[DEE].replies == []


async def test_snooze_until_next_monday_as_suggested(district: Services) -> None:
    ana = LocalDriver(district).as_(ANA)
    answer = await ana.command("snooze", "until next monday")
    assert answer.startswith("Got it: no reminders until Monday, September 14, 2026")
    assert "no reminders until" in await ana.say("snooze for 2 weeks")


async def test_in_the_terminal_a_gone_button_number_and_thanks(district: Services) -> None:
    await working(district)
    await district.person_settings.update(await actor(district, ANA), onboarded=True)
    answers = iter(["status", "9", "thanks!", "hi", "/quit"])

    def ask(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    screen: list[str] = []
    await chat(district, ANA, ask, screen.append)
    text = "\n".join(screen)
    # 9 was never on screen: said in so many words, not as an "older message"
    assert "There's no button 9 on screen: the only button shown is 1." in text
    assert "That button is gone" not in text
    assert "You're welcome, Ana Teacher!" in text
    assert "Hi Ana Teacher! You're working on *Questioning for Discourse*" in text
    assert "didn't catch" not in text and "== Welcome" not in text


async def test_in_the_terminal_buttons_stay_pressable_after_a_message_without_any(
    district: Services,
) -> None:
    """The trial's "join", then "catalog" (no buttons), then "1" for the Join still on screen:
    the number presses the button still shown, rather than saying it is gone."""
    await working(district)
    await district.person_settings.update(await actor(district, ANA), onboarded=True)

    async def pressed_after(lines: list[str]) -> str:
        answers = iter([*lines, "/quit"])

        def ask(prompt: str) -> str:
            try:
                return next(answers)
            except StopIteration:
                raise EOFError from None

        screen: list[str] = []
        await chat(district, ANA, ask, screen.append)
        return "\n".join(screen)

    text = await pressed_after(["status", "thanks!", "1"])
    assert "You're welcome" in text
    assert "That button is gone" not in text and "no button 1" not in text
