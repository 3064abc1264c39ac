"""Evidence in chat: a draft basket filled over several messages, sent for feedback or submitted.

Anything the teacher sends (a file, a link, "Reflection: ...") goes into the basket of the
credential they are working on; "send" gives it to a facilitator as a draft, "submit" hands it in
formally. Both route it to a reviewer and tell them, in the hand-in's own transaction.
"selfcheck" shows each criterion of the rubric beside the parts that show it, and what the
pre-check would still hold back; only the teacher sees their own basket, and a look is read-only.
"""

from __future__ import annotations

import re

from coachbot.conversation.authorization import (
    OWN,
    Relation,
    Subject,
    draft_value,
    for_roles,
    on,
    pursuit_value,
)
from coachbot.conversation.handlers.common import first_word, my_pursuit
from coachbot.conversation.handlers.filing import file_shared
from coachbot.conversation.handlers.hand_in import HAND_IN_FORM
from coachbot.conversation.handlers.handed_in import tell_handed_in
from coachbot.conversation.refs import PursuitRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action, DirectMessage
from coachbot.domain.catalog import PartKind
from coachbot.domain.errors import PreconditionFailed
from coachbot.domain.evidence import EvidenceKind
from coachbot.domain.journey import State
from coachbot.domain.precheck import DRAFT_MAY_CARRY, missing_detail
from coachbot.domain.roles import Role
from coachbot.services.reading import PursuitSummary

URL = re.compile(r"https?://\S+")
NAMED = re.compile(r"^\s*(?P<name>[^:\n]{2,60}?)\s*:\s+(?P<body>.+)$", re.DOTALL)
DRAFT = Action("draft")
SEND_DRAFT = Action("send_draft")
SEND_AS_IS = Action("send_as_is")  # a draft with a required part missing, sent on purpose
DRAFTABLE = (State.IN_PROGRESS.value, State.NOT_YET.value)  # where a draft can still be sent
SUBMIT = Action("submit")
SUBMIT_LAST = Action("submit_last")
SUBMIT_WITHOUT = Action("submit_without")  # leaving out a file still waiting for its part
SELF_CHECK = Action("self_check")
CLEAR = Action("clear_basket")  # emptying the basket, once asked
CONFIRMS = frozenset({"yes", "confirm", "sure"})
# Only the teacher's own pursuit; "draft CODE" names a credential of theirs, not a number.
MINE = on(
    Subject.PURSUIT, Relation.OWNER, ref=pursuit_value, roles=(Role.TEACHER,), move="hand_in"
)
MINE_OR_CODE = MINE.with_ref(draft_value)


def register(r: Registry) -> None:
    r.command("draft", Role.TEACHER, rule=MINE_OR_CODE, aliases=("evidence", "basket"))(draft)
    r.action(DRAFT, rule=MINE_OR_CODE)(draft)
    r.on_message(rule=for_roles(Role.TEACHER))(evidence_message)
    r.command("send", Role.TEACHER, rule=OWN)(send_draft)
    r.action(SEND_DRAFT, rule=MINE)(send_draft_pressed)
    r.action(SEND_AS_IS, rule=MINE)(send_as_is)
    r.command("submit", Role.TEACHER, rule=OWN, aliases=("resubmit",))(submit)
    r.action(SUBMIT, rule=MINE)(submit_pressed)
    r.action(SUBMIT_LAST, rule=MINE)(submit_last)
    r.action(SUBMIT_WITHOUT, rule=MINE)(submit_without)
    r.command("clear", Role.TEACHER, rule=OWN)(clear)
    r.action(CLEAR, rule=MINE)(clear_pressed)
    # Not "check": a teacher writing "Check out my video: https://..." is handing in a link.
    r.command("selfcheck", Role.TEACHER, rule=OWN, aliases=("self-check",))(check)
    r.action(SELF_CHECK, rule=MINE)(check_pressed)


async def _basket_pursuit(turn: Turn) -> PursuitSummary:
    """The pursuit the basket is collecting for, or the latest one."""
    settings = await turn.use.person_settings.view(turn.me.person_id)
    if settings.basket_pursuit_id is not None:
        summary = await turn.read.pursuit(settings.basket_pursuit_id)
        if summary.state not in ("earned", "withdrawn"):
            return summary
    return await my_pursuit(turn, None)


async def _show_basket(turn: Turn, pursuit_id: int) -> None:
    view = await turn.use.basket.view(turn.me.actor, pursuit_id)
    pursuit = PursuitRef(pursuit_id)
    buttons = []
    if view.have:
        buttons += [
            turn.say.button("send_draft", SEND_DRAFT, pursuit),
            turn.say.button("submit", SUBMIT, pursuit, primary=not (view.missing or view.gaps)),
            turn.say.button("self_check", SELF_CHECK, pursuit),
        ]
    # The same hand-in as one form, filled in with what is already here.
    buttons.append(turn.say.button("hand_in_form", HAND_IN_FORM, pursuit))
    await turn.reply(turn.say.reply("evidence.j2", "basket", v=view, buttons=buttons))


async def draft(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    if code[:1].isdigit():  # a button's value names the pursuit (its owner's, says the rule)
        pursuit_id = PursuitRef.parse(code).pursuit_id
        summary = await turn.read.pursuit(pursuit_id)
    else:
        summary = await my_pursuit(turn, code) if code else await _basket_pursuit(turn)
    await turn.use.person_settings.update(turn.me.actor, basket_pursuit_id=summary.pursuit_id)
    await _show_basket(turn, summary.pursuit_id)


async def evidence_message(turn: Turn) -> None:
    event = turn.event
    assert isinstance(event, DirectMessage)
    try:
        summary = await _basket_pursuit(turn)
    except PreconditionFailed as exc:
        if event.files and exc.params.get("need") == "choose_first":  # a file, and no credential
            raise PreconditionFailed(need="file_without_pursuit", name=event.files[0].name) from exc
        raise  # the file may be a credential to check: say what a file can be used for
    filed: list[str] = []
    asked = False
    for shared in event.files:
        caption = event.text if len(event.files) == 1 else None
        part = await file_shared(turn, summary, shared, caption)
        filed += [part] if part else []
        asked = asked or part is None
    text = event.text.strip()
    urls = URL.findall(text)
    named = NAMED.match(text)
    name = named.group("name") if named and not named.group("name").startswith("http") else None
    if urls:
        # What the basket holds before: a link taking a part's place is said, never silent.
        place = await turn.use.basket.place_file(turn.me.actor, summary.pursuit_id, "", None)
        held = place.filled
        for url in urls:
            link = url.rstrip(").,>")
            part = await turn.use.basket.add(
                turn.me.actor,
                summary.pursuit_id,
                PartKind.LINK,
                named=name if len(urls) == 1 else None,
                url=link,
            )
            filed.append(part)
            if held.get(part) not in (None, "", link):
                await turn.answer("evidence.j2", "replaced", part=part, old=held[part], new=link)
    elif named and name:
        filed.append(
            await turn.use.basket.add(
                turn.me.actor,
                summary.pursuit_id,
                PartKind.TEXT,
                named=name,
                text=named.group("body").strip(),
            )
        )
    if not filed:
        if not asked:
            await turn.answer("evidence.j2", "how_to_add")
        return
    await turn.answer("evidence.j2", "filed", parts=filed, title=summary.title)
    await _show_basket(turn, summary.pursuit_id)


async def send_draft(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    summary = await my_pursuit(turn, code) if code else await _basket_pursuit(turn)
    await send_draft_pressed(turn, str(PursuitRef(summary.pursuit_id)))


async def send_draft_pressed(turn: Turn, value: str) -> None:
    """A draft missing a required part is caught before it goes, as one with a part too short
    is: the teacher reads what to add, and may still send what they have on purpose (work in
    progress is what drafts are for)."""
    pursuit_id = PursuitRef.parse(value).pursuit_id
    view = await turn.use.basket.view(turn.me.actor, pursuit_id)
    # A draft already out is answered by the hand-in itself ("you already sent this draft").
    sendable = (await turn.read.pursuit(pursuit_id)).state in DRAFTABLE
    if sendable and view.have and (view.missing or view.gaps):
        wanted = {r.name: missing_detail(r) for r in view.requirements}
        gaps = [{"requirement": name, "problem": "missing", **wanted.get(name, {})}
                for name in view.missing]  # fmt: skip
        gaps += [gap.to_json() for gap in view.gaps]
        # A missing part or a short one may go on purpose; an unusable one must be fixed.
        fixes = [gap.requirement for gap in view.gaps if gap.problem not in DRAFT_MAY_CARRY]
        pursuit = PursuitRef(pursuit_id)
        buttons = [] if fixes else [turn.say.button("send_as_is", SEND_AS_IS, pursuit)]
        buttons.append(turn.say.button("hand_in_form", HAND_IN_FORM, pursuit))
        await turn.reply(
            turn.say.reply(
                "evidence.j2", "draft_missing", title=view.credential_title, gaps=gaps,
                fixes=bool(fixes), buttons=buttons,
            )
        )  # fmt: skip
        return
    await send_as_is(turn, value)


async def send_as_is(turn: Turn, value: str) -> None:
    pursuit_id = PursuitRef.parse(value).pursuit_id
    routed = await turn.use.hand_ins.hand_in_basket(
        turn.me.actor, pursuit_id, EvidenceKind.DRAFT, idempotency_key=turn.key()
    )
    await tell_handed_in(turn, routed)


async def submit(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    summary = await my_pursuit(turn, code) if code else await _basket_pursuit(turn)
    await submit_pressed(turn, str(PursuitRef(summary.pursuit_id)))


async def submit_pressed(turn: Turn, value: str) -> None:
    pursuit_id = PursuitRef.parse(value).pursuit_id
    view = await turn.use.basket.view(turn.me.actor, pursuit_id)
    if not view.have:
        await turn.reply(
            turn.say.reply(
                "evidence.j2",
                "nothing_in_basket",
                title=view.credential_title,
                buttons=[
                    turn.say.button("submit_last", SUBMIT_LAST, PursuitRef(pursuit_id)),
                    turn.say.button("hand_in_form", HAND_IN_FORM, PursuitRef(pursuit_id)),
                ],
            )
        )
        return
    waiting = [w for w in await turn.use.waiting_files.pending(turn.me.actor)
               if w.pursuit_id == pursuit_id]  # fmt: skip
    if waiting:
        # A file still asked about would be left out without a word (and its question gone
        # with the submission): the teacher answers it first, or submits without it on purpose.
        await turn.reply(
            turn.say.reply(
                "evidence.j2", "submit_waiting", files=[w.file_name for w in waiting],
                title=view.credential_title,
                buttons=[turn.say.button("submit_without", SUBMIT_WITHOUT, PursuitRef(pursuit_id))],
            )
        )  # fmt: skip
        return  # the question itself is asked again after this turn (filing.remind_waiting)
    routed = await turn.use.hand_ins.hand_in_basket(
        turn.me.actor, pursuit_id, EvidenceKind.FORMAL, idempotency_key=turn.key()
    )
    await tell_handed_in(turn, routed)


async def submit_without(turn: Turn, value: str) -> None:
    """Submit what is in the basket, letting the files still waiting for their part go (said)."""
    pursuit_id = PursuitRef.parse(value).pursuit_id
    summary = await turn.read.pursuit(pursuit_id)
    for w in await turn.use.waiting_files.pending(turn.me.actor):
        if w.pursuit_id == pursuit_id:
            name = await turn.use.waiting_files.let_go(turn.me.actor, pursuit_id, w.sha256)
            await turn.answer("evidence.j2", "let_go", file=name or w.file_name,
                              gone=name is None, title=summary.title)  # fmt: skip
    await submit_pressed(turn, value)


async def submit_last(turn: Turn, value: str) -> None:
    """Submit formally exactly what the last hand-in held (e.g. a draft the facilitator liked)."""
    pursuit_id = PursuitRef.parse(value).pursuit_id  # the teacher's own, says the rule
    last = await turn.use.evidence_access.latest(turn.me.actor, pursuit_id)
    routed = await turn.use.hand_ins.hand_in(
        turn.me.actor, pursuit_id, EvidenceKind.FORMAL, last.parts, idempotency_key=turn.key()
    )
    await tell_handed_in(turn, routed)


async def clear(turn: Turn, args: str) -> None:
    """Emptying a basket that holds something asks first (trial 7: "clear", typed out of a
    shell's habit, threw away a file and a reflection not yet handed in); "clear yes" does not."""
    summary = await _basket_pursuit(turn)
    view = await turn.use.basket.view(turn.me.actor, summary.pursuit_id)
    if (view.have or view.waiting) and args.strip().lower() not in CONFIRMS:
        buttons = [
            turn.say.button("clear_yes", CLEAR, PursuitRef(summary.pursuit_id), means="yes"),
            turn.say.button("clear_keep", DRAFT, PursuitRef(summary.pursuit_id), primary=True,
                            means="no"),
        ]  # fmt: skip
        await turn.reply(turn.say.reply("evidence.j2", "clear_ask", title=summary.title,
                                        have=[what for _, _, what in view.have],
                                        waiting=view.waiting, buttons=buttons))  # fmt: skip
        return
    await _clear(turn, summary.pursuit_id, summary.title)


async def clear_pressed(turn: Turn, value: str) -> None:
    pursuit_id = PursuitRef.parse(value).pursuit_id
    await _clear(turn, pursuit_id, (await turn.read.pursuit(pursuit_id)).title)


async def _clear(turn: Turn, pursuit_id: int, title: str) -> None:
    await turn.use.basket.clear(turn.me.actor, pursuit_id)
    await turn.answer("evidence.j2", "cleared", title=title)


async def check(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    summary = await my_pursuit(turn, code) if code else await _basket_pursuit(turn)
    await check_pressed(turn, str(PursuitRef(summary.pursuit_id)))


async def check_pressed(turn: Turn, value: str) -> None:
    pursuit_id = PursuitRef.parse(value).pursuit_id
    result = await turn.use.basket.self_check(turn.me.actor, pursuit_id)
    buttons = [turn.say.button("submit", SUBMIT, PursuitRef(pursuit_id), primary=not result.gaps)]
    await turn.reply(turn.say.reply("evidence.j2", "selfcheck", c=result, buttons=buttons))
