"""Trial 7: "clear", typed out of a shell's habit, emptied the evidence basket at once (a file
and a reflection not yet handed in were gone). Now it asks first, saying what would go."""

from __future__ import annotations

from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from tests.helpers import ANA, REFLECTION

PDF = b"%PDF-1.4 lesson plan"


async def test_clear_asks_before_emptying_and_keeps_on_no(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    await ana.send_file("plan.pdf", PDF, "application/pdf")
    await ana.say(REFLECTION)
    asked = await ana.command("clear")
    assert "Empty your evidence basket for *Questioning for Discourse*?" in asked
    assert "plan.pdf" in asked
    kept = await ana.press("draft", labelled="Keep what's there")
    assert "plan.pdf" in kept and "is empty again" not in kept

    await ana.command("clear")
    emptied = await ana.press("clear_basket", labelled="Yes, empty it")
    assert "Your evidence basket for *Questioning for Discourse* is empty again" in emptied
    assert "plan.pdf" not in await ana.command("draft")


async def test_clear_yes_and_an_empty_basket_do_not_ask(district: Services) -> None:
    room = LocalDriver(district)
    ana = room.as_(ANA)
    await ana.command("choose", "C-ONE")
    await ana.press("use_plan")
    assert "is empty again" in await ana.command("clear")  # nothing in it: nothing to ask
    await ana.send_file("plan.pdf", PDF, "application/pdf")
    assert "is empty again" in await ana.command("clear", "yes")
