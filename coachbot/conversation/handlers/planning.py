"""Work plans in chat: a sensible default, a deadline in plain words, edits, milestones done."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from coachbot.conversation.authorization import (
    OWN,
    Relation,
    Subject,
    on,
    plan_value,
    pursuit_value,
)
from coachbot.conversation.dates import parse_day, spoken
from coachbot.conversation.handlers.closed_window import other_year, said_closed
from coachbot.conversation.handlers.common import as_seen, first_word, my_pursuit
from coachbot.conversation.handlers.evidence import DRAFT, SUBMIT
from coachbot.conversation.refs import ProposedPlan, PursuitRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action, FieldKind, Form, FormField
from coachbot.domain.errors import InvalidInput
from coachbot.domain.journey import Move, State
from coachbot.domain.planning import Milestone, default_plan, plan_titles, ticked_by_submitting
from coachbot.domain.roles import Role
from coachbot.domain.school_days import (
    Breaks,
    earliest_fitting,
    previous_school_day,
)

HOURS_PER_WEEK = 3  # a realistic pace next to a full teaching load
LINE = re.compile(r"^\s*(?P<when>[^:|\u2014]+?)\s*(?:[:|\u2014]|\s-\s)\s*(?P<title>.+)$")
USE_PLAN = Action("use_plan")
CHANGE_DEADLINE = Action("change_deadline")
EDIT_PLAN = Action("edit_plan")
DONE = Action("done")
PLAN_FOR = Action("plan_for")
# A plan is its teacher's alone: to read (its deadline and milestones) as much as to change.
MINE = on(Subject.PURSUIT, Relation.OWNER, ref=pursuit_value, roles=(Role.TEACHER,), move="plan")
MY_PROPOSAL = on(
    Subject.PURSUIT, Relation.OWNER, ref=plan_value, roles=(Role.TEACHER,), move="plan"
)


def register(r: Registry) -> None:
    r.command("plan", Role.TEACHER, rule=OWN)(plan)
    r.action(USE_PLAN, rule=MY_PROPOSAL)(use_plan)
    r.action(CHANGE_DEADLINE, rule=MY_PROPOSAL)(change_deadline)
    r.form("deadline", rule=MINE)(deadline_submitted)
    r.command("deadline", Role.TEACHER, rule=OWN)(deadline_command)
    r.action(EDIT_PLAN, rule=MINE)(edit_plan)
    r.form("plan_edit", rule=MINE)(plan_edit_submitted)
    r.command("done", Role.TEACHER, rule=OWN, aliases=("did",))(done)
    r.action(DONE, rule=MINE)(done_pressed)
    r.action(PLAN_FOR, rule=MINE)(plan_for)


async def suggested_deadline(turn: Turn, pursuit_id: int, breaks: Breaks = ()) -> date:
    """A few weeks out at a sustainable pace, inside the window, on a school day."""
    summary = await turn.read.pursuit(pursuit_id)
    detail = await turn.read.credential(turn.me.district_id, summary.code, turn.me.school_id)
    weeks = max(3, math.ceil(detail.credential.hours_estimate / HOURS_PER_WEEK))
    today = turn.today()
    deadline = max(
        previous_school_day(today + timedelta(weeks=weeks), breaks),  # a Friday, not a Sunday
        earliest_fitting(today, detail.credential.hours_estimate, breaks),  # breaks add days
    )
    window = await turn.read.window(pursuit_id)
    if window and deadline > window.closes_on:
        # The window's last school day; never past it (a trial was offered a date a week out,
        # after the window had closed, that the plan could then not be saved with).
        moved = previous_school_day(window.closes_on, breaks)
        deadline = moved if moved > today else window.closes_on
    return deadline


async def propose_plan(turn: Turn, pursuit_id: int, deadline: date | None = None) -> None:
    """The default plan to ``deadline``: steps already done stay done, the rest are spread over
    the school days before it; a deadline too close for the work left says so and offers the
    first date that fits (or the window's last day)."""
    if await said_closed(turn, pursuit_id):
        return
    summary = await turn.read.pursuit(pursuit_id)
    detail = await turn.read.credential(turn.me.district_id, summary.code, turn.me.school_id)
    today = turn.today()
    breaks = await turn.use.calendar.breaks_from(turn.me.district_id, today)
    deadline = deadline or await suggested_deadline(turn, pursuit_id, breaks)
    done = await _done_titles(turn, pursuit_id)
    milestones = default_plan(detail.credential, today, deadline, breaks, done=done)
    proposed = ProposedPlan(as_seen(summary), deadline)
    buttons = [turn.say.button("use_plan", USE_PLAN, proposed, primary=True)]
    hours = detail.credential.hours_estimate * len(milestones) / len(plan_titles(detail.credential))
    fits = earliest_fitting(today, hours, breaks)
    window = await turn.read.window(pursuit_id)
    offer = fits
    if window and fits > window.closes_on:
        offer = previous_school_day(window.closes_on, breaks)
    too_short = fits > deadline
    if too_short and offer > deadline:
        buttons.insert(
            0,
            turn.say.button(
                "use_date",
                USE_PLAN,
                ProposedPlan(as_seen(summary), offer),
                primary=True,
                day=spoken(offer),
            ),
        )
        buttons[1] = turn.say.button("keep_date", USE_PLAN, proposed, day=spoken(deadline))
    await turn.reply(
        turn.say.reply(
            "plan.j2",
            "proposal",
            title=summary.title,
            deadline=spoken(deadline),
            milestones=[(spoken(m.due_on), m.title) for m in milestones],
            done=done,
            too_short=too_short,
            hours=round(hours),
            offer=spoken(offer),
            window_closes=offer != fits,
            buttons=[
                *buttons,
                turn.say.button("change_deadline", CHANGE_DEADLINE, proposed),
                turn.say.button("edit_plan", EDIT_PLAN, PursuitRef(summary.pursuit_id)),
            ],
        )
    )


async def _done_titles(turn: Turn, pursuit_id: int) -> list[str]:
    _, current = await turn.read.plan(pursuit_id)
    return [title for _, title, _, is_done in current if is_done]


async def _save(turn: Turn, pursuit_id: int, deadline: date, milestones: list[Milestone]) -> None:
    await _start_planning(turn, pursuit_id)  # approved, by whatever door the plan came in
    await turn.use.planning.save_plan(
        turn.me.actor, pursuit_id, deadline, milestones, idempotency_key=turn.key()
    )
    summary = await turn.read.pursuit(pursuit_id)
    if summary.state == State.PLANNING:
        await turn.use.journey.move(
            turn.me.actor, pursuit_id, Move.START_WORK, idempotency_key=turn.key("start")
        )
    await turn.use.person_settings.update(turn.me.actor, basket_pursuit_id=pursuit_id)
    in_break = await turn.use.calendar.breaks_on(
        turn.me.district_id, sorted({deadline, *(m.due_on for m in milestones)})
    )
    await turn.answer(
        "plan.j2",
        "saved",
        title=summary.title,
        deadline=spoken(deadline),
        milestones=[(spoken(m.due_on), m.title) for m in milestones],
        in_break=[(spoken(day), name) for day, name in sorted(in_break.items())],
        deadline_in_break=in_break.get(deadline),
    )


async def use_plan(turn: Turn, value: str) -> None:
    proposed = ProposedPlan.parse(value)
    pursuit_id, deadline = proposed.pursuit.pursuit_id, proposed.deadline
    if await said_closed(turn, pursuit_id):  # a button from before the window closed
        return
    summary = await turn.read.pursuit(pursuit_id)
    detail = await turn.read.credential(turn.me.district_id, summary.code, turn.me.school_id)
    breaks = await turn.use.calendar.breaks_from(turn.me.district_id, turn.today())
    done = await _done_titles(turn, pursuit_id)
    milestones = default_plan(detail.credential, turn.today(), deadline, breaks, done=done)
    await _save(turn, pursuit_id, deadline, milestones)


async def plan(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    summary = await my_pursuit(turn, code)
    deadline, milestones = await turn.read.plan(summary.pursuit_id)
    if deadline is None:
        await propose_plan(turn, summary.pursuit_id)
        return
    await turn.reply(
        turn.say.reply(
            "plan.j2",
            "current",
            title=summary.title,
            deadline=spoken(deadline),
            milestones=[(spoken(due), title, is_done) for _, title, due, is_done in milestones],
            buttons=[turn.say.button("edit_plan", EDIT_PLAN, PursuitRef(summary.pursuit_id))],
        )
    )


async def change_deadline(turn: Turn, value: str) -> None:
    await turn.open_form(
        Form(
            "deadline",
            turn.say.label("form_deadline"),
            (
                FormField(
                    "when",
                    turn.say.label("field_deadline"),
                    FieldKind.DATE,
                    hint=turn.say.label("hint_plain_date"),
                ),
            ),
            turn.say.label("check_date"),
            context=str(ProposedPlan.parse(value).pursuit),
        )
    )


async def deadline_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    pursuit_id = PursuitRef.parse(context).pursuit_id
    await _propose_with(turn, pursuit_id, values.get("when", ""), field="when")


async def deadline_command(turn: Turn, args: str) -> None:
    code, rest = first_word(args)
    summary = await turn.read.pursuit_by_code(turn.me.person_id, code) if code else None
    when = rest if summary else args
    summary = summary or await my_pursuit(turn, None)
    if not when.strip():
        raise InvalidInput(field="date", hint="deadline_needs_date")
    await _propose_with(turn, summary.pursuit_id, when)


async def _propose_with(turn: Turn, pursuit_id: int, words: str, field: str = "date") -> None:
    """``field`` names the question a problem belongs to, so that a form asks it again."""
    day = parse_day(words, turn.me.timezone, turn.clock.now())
    if day is None:
        raise InvalidInput(field=field, hint="date_unclear", value=words.strip()[:60])
    if await said_closed(turn, pursuit_id, words, day):
        return
    if day <= turn.today():
        raise InvalidInput(field=field, hint="deadline_past", value=spoken(day))
    window = await turn.read.window(pursuit_id)
    if window and not window.contains(day):
        other = other_year(words, day, window)
        raise InvalidInput(
            field=field,
            hint="outside_window",
            value=spoken(day),
            opens=spoken(window.opens_on),
            closes=spoken(window.closes_on),
            other=spoken(other) if other and other > turn.today() else None,
        )
    await turn.answer("plan.j2", "date_read_as", words=words.strip(), day=spoken(day))
    await propose_plan(turn, pursuit_id, day)


async def edit_plan(turn: Turn, value: str) -> None:
    pursuit_id = PursuitRef.parse(value).pursuit_id
    if await said_closed(turn, pursuit_id):
        return
    deadline, milestones = await turn.read.plan(pursuit_id)
    if deadline is None:
        summary = await turn.read.pursuit(pursuit_id)
        detail = await turn.read.credential(turn.me.district_id, summary.code, turn.me.school_id)
        breaks = await turn.use.calendar.breaks_from(turn.me.district_id, turn.today())
        deadline = await suggested_deadline(turn, pursuit_id, breaks)
        lines = [
            f"{m.due_on.isoformat()}: {m.title}"
            for m in default_plan(detail.credential, turn.today(), deadline, breaks)
        ]
    else:
        lines = [f"{due.isoformat()}: {title}" for _, title, due, done in milestones if not done]
    await turn.open_form(
        Form(
            "plan_edit",
            turn.say.label("form_plan"),
            (
                FormField(
                    "deadline",
                    turn.say.label("field_deadline"),
                    FieldKind.DATE,
                    initial=deadline.isoformat(),
                    hint=turn.say.label("hint_plain_date"),
                ),
                FormField(
                    "milestones",
                    turn.say.label("field_milestones"),
                    FieldKind.LONG_TEXT,
                    initial="\n".join(lines),
                    hint=turn.say.label("hint_milestones"),
                ),
            ),
            turn.say.label("save"),
            context=str(pursuit_id),
        )
    )


async def plan_edit_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    pursuit_id = PursuitRef.parse(context).pursuit_id
    now = turn.clock.now()
    deadline = parse_day(values.get("deadline", ""), turn.me.timezone, now)
    if deadline is None:
        raise InvalidInput(
            field="deadline", hint="date_unclear", value=values.get("deadline", "")[:60]
        )
    milestones: list[Milestone] = []
    for number, raw in enumerate(values.get("milestones", "").splitlines(), start=1):
        if not raw.strip():
            continue
        match = LINE.match(raw)
        day = parse_day(match.group("when"), turn.me.timezone, now) if match else None
        if match is None or day is None:
            raise InvalidInput(
                field="milestones", hint="milestone_line", line=number, value=raw.strip()[:80]
            )
        milestones.append(Milestone(match.group("title").strip()[:200], day))
    await _save(turn, pursuit_id, deadline, milestones)


async def done(turn: Turn, args: str) -> None:
    code, _ = first_word(args)
    summary = await my_pursuit(turn, code)
    await done_pressed(turn, str(PursuitRef(summary.pursuit_id)))


async def done_pressed(turn: Turn, value: str) -> None:
    pursuit_id = PursuitRef.parse(value).pursuit_id
    _, milestones = await turn.read.plan(pursuit_id)
    upcoming = [(mid, title) for mid, title, _, is_done in milestones if not is_done]
    if not upcoming:
        await turn.answer("plan.j2", "nothing_left")
        return
    milestone_id, title = upcoming[0]
    if ticked_by_submitting(title):  # the submission marks it, never a "done" (a trial's slip)
        summary = await turn.read.pursuit(pursuit_id)
        ref = PursuitRef(pursuit_id)
        await turn.reply(
            turn.say.reply(
                "plan.j2", "ticked_by_submitting", title=title, credential=summary.title,
                buttons=[turn.say.button("see_evidence", DRAFT, ref, primary=True),
                         turn.say.button("submit", SUBMIT, ref)],
            )
        )  # fmt: skip
        return
    await turn.use.planning.complete_milestone(turn.me.actor, milestone_id)
    following = upcoming[1][1] if len(upcoming) > 1 else None
    await turn.answer("plan.j2", "milestone_done", title=title, following=following)


async def plan_for(turn: Turn, value: str) -> None:
    """After approval: start planning and propose the default plan."""
    pursuit_id = PursuitRef.parse(value).pursuit_id
    await _start_planning(turn, pursuit_id)
    await propose_plan(turn, pursuit_id)


async def _start_planning(turn: Turn, pursuit_id: int) -> None:
    """An approved credential is ready to plan: the first plan, by button, by `plan` or by
    `deadline`, moves it to planning (a trial found a typed plan refused "now: Approved")."""
    summary = await turn.read.pursuit(pursuit_id)
    if summary.state == State.APPROVED:
        await turn.use.journey.move(
            turn.me.actor, pursuit_id, Move.START_PLANNING, idempotency_key=turn.key("planning")
        )
