"""Approvals people can decide, in chat: the list shows each request's reasons and plan with
approve and send-back buttons right there, the note sent back reaches the teacher, asking again
starts from what was written, and a stale button is answered kindly. In the in-process driver
and in the terminal's own input loop."""

from __future__ import annotations

import asyncio
import threading

from adapters.local.driver import LocalDriver
from adapters.local.terminal import chat
from coachbot.composition import Services, build
from tests.helpers import ANA, DEE, SAM, actor

REASONS = "Our school goal is student discourse; a project gets every student talking."
PLAN = "Six weeks in spring with grade 7, ending in a presentation to parents."
NOTE = "Please say how you will share the product beyond your classroom."


async def test_approvers_decide_from_the_list_with_the_reasons_in_view(
    district: Services,
) -> None:
    room = LocalDriver(district)
    ana, sam, dee = room.as_(ANA), room.as_(SAM), room.as_(DEE)
    await ana.command("choose", "C-APPROVE")
    await ana.press("request_approval")
    assert "2 approvers" in await ana.submit({"alignment": REASONS, "plan": PLAN})
    # The notice itself carries the reasons, the plan and the buttons.
    assert REASONS in sam.last and PLAN in sam.last
    assert "[Approve Ana Teacher]  [Send back to Ana Teacher]" in sam.last

    listed = await sam.command("approvals")
    assert "1 request waiting for your decision" in listed
    assert REASONS in listed and PLAN in listed
    assert "[Approve Ana Teacher]  [Send back to Ana Teacher]" in listed
    await sam.press("send_back", labelled="Ana")
    assert "Ana Teacher reads it as you write it" in sam.mailbox.forms[-1].fields[0].hint
    assert "Sent back to Ana Teacher" in await sam.submit({"reason": NOTE})
    assert NOTE in ana.last
    assert "Ask again" in ana.last
    assert "No requests are waiting" in await dee.command("approvals")

    # Asking again starts from what she wrote; only the plan changes.
    await ana.press("request_approval")
    form = ana.mailbox.forms[-1]
    assert [f.initial for f in form.fields] == [REASONS, PLAN]
    await ana.submit({"plan": PLAN + " The class shares it at the town library."})
    listed = await dee.command("approvals")
    assert "town library" in listed
    assert f'Asked again after Sam Principal sent it back with: "{NOTE}"' in listed
    assert "Approved: Ana Teacher" in await dee.press("approve", labelled="Ana")
    assert "Dee Admin approved *Project-Based Unit*" in ana.last
    assert "Here's a plan" in await ana.press("plan_for")

    # Sam's button on the second notice is stale now: told who decided, kindly.
    stale = await sam.press("approve", labelled="Ana")
    assert "Already approved by Dee Admin" in stale
    assert "Ana Teacher gets a message saying so" in stale
    stale = await sam.press("send_back", labelled="Ana")  # no form opens for nothing
    assert "Already approved by Dee Admin" in stale
    assert "Traceback" not in stale


async def onboarded(services: Services, *emails: str) -> None:
    """These people have been here before: the terminal opens on their status, not the form."""
    for email in emails:
        await services.person_settings.update(await actor(services, email), onboarded=True)


async def test_an_approver_sends_back_in_the_terminal_field_by_field(district: Services) -> None:
    ana = await actor(district, ANA)
    chosen = await district.choosing.choose(ana, "C-APPROVE")
    await district.approvals.request(ana, chosen.pursuit_id, reasons=REASONS, plan=PLAN)
    await onboarded(district, SAM)
    answers = iter(["approvals", "2", NOTE, "", "approvals", "/quit"])
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    screen: list[str] = []
    await chat(district, SAM, ask, screen.append)
    text = "\n".join(screen)
    assert REASONS in text and PLAN in text
    assert "  [1] Approve Ana Teacher" in text
    assert "  [2] Send back to Ana Teacher" in text
    assert "== Send back ==" in text
    assert any(p.startswith("Reason (finish with an empty line or Ctrl-D):") for p in prompts)
    assert "Sent back to Ana Teacher with your note" in text
    # One line about it for Sam, starting as the message does; the message itself is Ana's.
    assert "\n(kept for Ana Teacher until they next use their chat) Sam Principal sent" in text
    assert "No requests are waiting for you." in text
    assert "Traceback" not in text


async def test_a_stale_press_in_the_terminal_is_answered_kindly(district: Services) -> None:
    ana = await actor(district, ANA)
    chosen = await district.choosing.choose(ana, "C-APPROVE")
    await district.approvals.request(ana, chosen.pursuit_id, reasons=REASONS, plan=PLAN)
    await onboarded(district, DEE)

    async def sam_approves() -> None:
        # Sam's own session: another process's services on the same database.
        services = build(district.settings, district.clock)
        try:
            await services.approvals.approve(await actor(services, SAM), chosen.pursuit_id)
        finally:
            await services.aclose()

    def decided_meanwhile() -> str:
        # While Dee reads the list (the terminal waits for her in its own thread of control),
        # Sam approves from his own session.
        worker = threading.Thread(target=asyncio.run, args=(sam_approves(),))
        worker.start()
        worker.join()
        return "1"

    steps = iter([lambda: "approvals", decided_meanwhile, lambda: "/quit"])

    def ask(prompt: str) -> str:
        try:
            return next(steps)()
        except StopIteration:
            raise EOFError from None

    screen: list[str] = []
    await chat(district, DEE, ask, screen.append)
    text = "\n".join(screen)
    assert "  [1] Approve Ana Teacher" in text
    assert "Already approved by Sam Principal" in text
    assert "Traceback" not in text and "went wrong" not in text


async def test_a_sent_back_request_can_be_asked_again_from_status(district: Services) -> None:
    """Found in a trial: after a send-back the teacher's status offered nothing, and choosing the
    credential again said "already working on it, check your status"."""
    ana = await actor(district, ANA)
    chosen = await district.choosing.choose(ana, "C-APPROVE")
    await district.approvals.request(ana, chosen.pursuit_id, reasons=REASONS, plan=PLAN)
    await district.approvals.send_back(await actor(district, DEE), chosen.pursuit_id, NOTE)
    teacher = LocalDriver(district).as_(ANA)
    status = await teacher.command("status")
    assert "Sent back" in status
    assert teacher.button("request_approval", labelled="Ask again")
    await teacher.press("request_approval", labelled="Ask again")
    form = teacher.mailbox.forms[-1]
    assert form.form_id == "approval_request"
    assert REASONS in {field.initial for field in form.fields}  # kept from the last time
