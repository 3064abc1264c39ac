"""Evidence in chat: a draft basket filled over several messages, sent for feedback or submitted.

Anything the teacher sends (a file, a link, "Reflection: ...") goes into the basket of the
credential they are working on; "send" gives it to a facilitator as a draft, "submit" hands it in
formally. Both route it to a reviewer and tell them.
"""

from __future__ import annotations

import re

from coachbot.conversation.handlers.common import first_word, my_pursuit, parse_pursuit_value
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import DirectMessage
from coachbot.domain.catalog import PartKind
from coachbot.domain.errors import NotPermitted
from coachbot.domain.evidence import EvidenceKind
from coachbot.domain.roles import Role
from coachbot.services.reading.read_models import PursuitRef

URL = re.compile(r"https?://\S+")
NAMED = re.compile(r"^\s*(?P<name>[^:\n]{2,60}?)\s*:\s+(?P<body>.+)$", re.DOTALL)


def register(r: Registry) -> None:
    r.command("draft", Role.TEACHER, aliases=("evidence", "basket"))(draft)
    r.action("draft")(draft)
    r.action("evidence_message")(evidence_message)
    r.command("send", Role.TEACHER)(send_draft)
    r.action("send_draft")(send_draft_pressed)
    r.command("submit", Role.TEACHER, aliases=("resubmit",))(submit)
    r.action("submit")(submit_pressed)
    r.action("submit_last")(submit_last)
    r.command("clear", Role.TEACHER)(clear)


async def _basket_pursuit(turn: Turn) -> PursuitRef:
    settings = await turn.bot.settings_of.view(turn.me.person_id)
    if settings.basket_pursuit_id is not None:
        ref = await turn.bot.views.pursuit(settings.basket_pursuit_id)
        if ref.state not in ("earned", "withdrawn"):
            return ref
    return await my_pursuit(turn, None)


async def _show_basket(turn: Turn, pursuit_id: int) -> None:
    view = await turn.bot.basket.view(turn.me.actor, pursuit_id)
    buttons = []
    if view.have:
        buttons += [
            turn.say.button("send_draft", "send_draft", str(pursuit_id)),
            turn.say.button(
                "submit", "submit", str(pursuit_id), primary=not (view.missing or view.gaps)
            ),
            turn.say.button("self_check", "self_check", str(pursuit_id)),
        ]
    # The same hand-in as one form, filled in with what is already here.
    buttons.append(turn.say.button("hand_in_form", "hand_in_form", str(pursuit_id)))
    await turn.channel.reply(turn.say.reply("evidence.j2", "basket", v=view, buttons=buttons))


async def draft(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    if code[:1].isdigit():  # a button's value names the pursuit: "12" or "12.3"
        pursuit_id = parse_pursuit_value(code)[0]
        if await turn.bot.views.teacher_of(pursuit_id) != turn.me.person_id:
            raise NotPermitted(move="hand_in", parties=["owner"])
        ref = await turn.bot.views.pursuit(pursuit_id)
    else:
        ref = await my_pursuit(turn, code) if code else await _basket_pursuit(turn)
    await turn.bot.settings_of.update(turn.me.actor, basket_pursuit_id=ref.pursuit_id)
    await _show_basket(turn, ref.pursuit_id)


async def evidence_message(turn: Turn, value: str) -> None:
    event = turn.event
    assert isinstance(event, DirectMessage)
    ref = await _basket_pursuit(turn)
    filed: list[str] = []
    for shared in event.files:
        filed.append(
            await turn.bot.basket.add(
                turn.me.actor,
                ref.pursuit_id,
                PartKind.FILE,
                file_name=shared.name,
                file_size=shared.size,
                content_hash=shared.sha256,
                head=shared.head,  # the type is told by the content, not the name
                caption=event.text if len(event.files) == 1 else None,
            )
        )
    text = event.text.strip()
    urls = URL.findall(text)
    named = NAMED.match(text)
    name = named.group("name") if named and not named.group("name").startswith("http") else None
    if urls:
        for url in urls:
            filed.append(
                await turn.bot.basket.add(
                    turn.me.actor,
                    ref.pursuit_id,
                    PartKind.LINK,
                    named=name if len(urls) == 1 else None,
                    url=url.rstrip(").,>"),
                )
            )
    elif named and name:
        filed.append(
            await turn.bot.basket.add(
                turn.me.actor,
                ref.pursuit_id,
                PartKind.TEXT,
                named=name,
                text=named.group("body").strip(),
            )
        )
    if not filed:
        await turn.answer("evidence.j2", "how_to_add")
        return
    await turn.answer("evidence.j2", "filed", parts=filed, title=ref.title)
    await _show_basket(turn, ref.pursuit_id)


async def send_draft(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    ref = await my_pursuit(turn, code) if code else await _basket_pursuit(turn)
    await send_draft_pressed(turn, str(ref.pursuit_id))


async def send_draft_pressed(turn: Turn, value: str) -> None:
    pursuit_id, _ = parse_pursuit_value(value)
    handed = await turn.bot.evidence.hand_in_basket(
        turn.me.actor, pursuit_id, EvidenceKind.DRAFT, idempotency_key=turn.key()
    )
    await route_handed_in(turn, pursuit_id, handed.kind, handed.replayed)


async def submit(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    ref = await my_pursuit(turn, code) if code else await _basket_pursuit(turn)
    await submit_pressed(turn, str(ref.pursuit_id))


async def submit_pressed(turn: Turn, value: str) -> None:
    pursuit_id, _ = parse_pursuit_value(value)
    view = await turn.bot.basket.view(turn.me.actor, pursuit_id)
    if not view.have:
        await turn.channel.reply(
            turn.say.reply(
                "evidence.j2",
                "nothing_in_basket",
                title=view.credential_title,
                buttons=[
                    turn.say.button("submit_last", "submit_last", str(pursuit_id)),
                    turn.say.button("hand_in_form", "hand_in_form", str(pursuit_id)),
                ],
            )
        )
        return
    handed = await turn.bot.evidence.hand_in_basket(
        turn.me.actor, pursuit_id, EvidenceKind.FORMAL, idempotency_key=turn.key()
    )
    await route_handed_in(turn, pursuit_id, handed.kind, handed.replayed)


async def submit_last(turn: Turn, value: str) -> None:
    """Submit formally exactly what the last hand-in held (e.g. a draft the facilitator liked)."""
    pursuit_id, _ = parse_pursuit_value(value)
    if await turn.bot.views.teacher_of(pursuit_id) != turn.me.person_id:
        raise NotPermitted(move="hand_in", parties=["owner"])
    last = await turn.bot.evidence_access.latest(turn.me.actor, pursuit_id)
    handed = await turn.bot.evidence.hand_in(
        turn.me.actor, pursuit_id, EvidenceKind.FORMAL, last.parts, idempotency_key=turn.key()
    )
    await route_handed_in(turn, pursuit_id, handed.kind, handed.replayed)


async def route_handed_in(turn: Turn, pursuit_id: int, kind: str, replayed: bool) -> None:
    ref = await turn.bot.views.pursuit(pursuit_id)
    if replayed:
        await turn.answer("evidence.j2", "already_handed_in", title=ref.title, kind=kind)
        return
    routed = await turn.bot.reviews.route(pursuit_id)
    if routed is None:
        wait = await turn.bot.reviews.waiting(pursuit_id)
        expected = wait.expected_by if wait else None
        free_on = wait.next_try_at if wait and expected else None
        for admin in await turn.bot.views.district_admins(turn.me.district_id):
            await turn.notify.to_person(
                admin,
                turn.say.reply(
                    "reviews.j2",
                    "nobody_to_review",
                    teacher=turn.me.name,
                    title=ref.title,
                    kind=kind,
                    free_on=free_on,
                ),
            )
        await turn.answer(
            "evidence.j2",
            "handed_in_waiting",
            title=ref.title,
            kind=kind,
            free_on=free_on,
            expected_by=expected,
        )
        return
    review_id, reviewer_id = routed
    turn.queued_news()  # a blind second reviewer, when calibration samples it, hears at once
    await turn.notify.to_person(
        reviewer_id,
        turn.say.reply(
            "reviews.j2",
            "assigned",
            teacher=turn.me.name,
            title=ref.title,
            kind=kind,
            buttons=[turn.say.button("open_review", "open_review", str(review_id), primary=True)],
        ),
    )
    reviewer = await turn.bot.views.person_name(reviewer_id)
    peer = await _peer(turn, pursuit_id, ref.title) if kind == "draft" else None
    await turn.answer(
        "evidence.j2", "handed_in", title=ref.title, kind=kind, reviewer=reviewer, peer=peer
    )


async def _peer(turn: Turn, pursuit_id: int, title: str) -> str | None:
    """Where the district has peer review, a colleague from the same school also gets the draft."""
    paired = await turn.bot.reviews.route_peer(pursuit_id)
    if paired is None:
        return None
    review_id, peer_id = paired
    await turn.notify.to_person(
        peer_id,
        turn.say.reply(
            "reviews.j2",
            "peer_assigned",
            teacher=turn.me.name,
            title=title,
            buttons=[turn.say.button("open_review", "open_review", str(review_id), primary=True)],
        ),
    )
    return await turn.bot.views.person_name(peer_id)


async def clear(turn: Turn, args: str) -> None:
    ref = await _basket_pursuit(turn)
    await turn.bot.basket.clear(turn.me.actor, ref.pursuit_id)
    await turn.answer("evidence.j2", "cleared", title=ref.title)
