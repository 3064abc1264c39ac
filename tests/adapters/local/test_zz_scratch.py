from adapters.local.driver import LocalDriver
from coachbot.composition import Services
from coachbot.domain.journey import Move
from tests.helpers import ANA, BEN, FAY, SAM, DEE, actor, planned, under_review, BELOW
from coachbot.services.reviews.reviewing import Decision

PDF = b"%PDF-1.4 a good lesson plan"

async def test_trial(district: Services) -> None:
    room = LocalDriver(district)
    ana, fay, sam, dee = room.as_(ANA), room.as_(FAY), room.as_(SAM), room.as_(DEE)
    pid = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pid, Move.START_WORK)
    out = []
    def show(label, text): out.append(f"##### {label}\n{text}")
    show("file", await ana.send_file("lesson-plan.pdf", PDF, "application/pdf"))
    show("link", await ana.say("https://video.example.org/lesson-1"))
    show("send missing reflection", await ana.command("send"))
    await ana.say("Reflection: " + "my students asked each other why again and again today " * 3)
    show("send", await ana.command("send"))
    show("status after send", await ana.command("status"))
    show("fay queue", await fay.command("queue"))
    show("fay handoff", await fay.command("handoff", "1"))
    show("fay handoff2", await fay.say("handoff 1"))
    # Approvals
    await ana.command("choose", "C-APPROVE")
    await ana.press("request_approval")
    await ana.submit({"alignment": "Our goal is discourse, every student talking.", "plan": "Six weeks in spring."})
    show("sam approvals", await sam.command("approvals"))
    show("dee approvals", await dee.command("approvals"))
    show("dee approve 1", await dee.command("approve", "1"))
    show("dee policy", await dee.command("policy"))
    show("ana help", await ana.command("help"))
    print("\n".join(out))

async def test_trial2(district: Services) -> None:
    room = LocalDriver(district)
    ana, fay, sam, dee = room.as_(ANA), room.as_(FAY), room.as_(SAM), room.as_(DEE)
    pid = await planned(district, ANA)
    await district.journey.move(await actor(district, ANA), pid, Move.START_WORK)
    out = []
    def show(label, text): out.append(f"##### {label}\n{text}")
    show("file", await ana.send_file("lesson-plan.pdf", PDF, "application/pdf"))
    show("link", await ana.say("https://video.example.org/lesson-1"))
    show("short refl", await ana.say("Reflection: too short"))
    show("send short", await ana.command("send"))
    show("submit short", await ana.command("submit"))
    show("long refl", await ana.say("Reflection: " + "my students asked each other why again and again today " * 3))
    show("submit", await ana.command("submit"))
    show("status after submit", await ana.command("status"))
    show("fay queue", await fay.command("queue"))
    show("fay review", await fay.command("review", "1"))
    print("\n".join(out))
    for e, m in room.mail.items():
        print("=== MAIL", e, "\n".join(m.texts()[-3:]))
