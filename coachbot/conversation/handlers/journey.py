"""Where a teacher stands, withdrawing, and asking for help."""

from __future__ import annotations

from coachbot.conversation.authorization import OWN, Relation, Subject, for_roles, on, pursuit_value
from coachbot.conversation.handlers.approvals import REQUEST_APPROVAL, request_approval
from coachbot.conversation.handlers.catalog import CATALOG
from coachbot.conversation.handlers.common import as_seen, first_word, my_pursuit
from coachbot.conversation.handlers.evidence import DRAFT
from coachbot.conversation.handlers.feedback import FEEDBACK, REVISING
from coachbot.conversation.handlers.home import greet
from coachbot.conversation.handlers.planning import CHANGE_DEADLINE, DONE, PLAN_FOR
from coachbot.conversation.handlers.reviews import OPEN_REVIEW
from coachbot.conversation.refs import ProposedPlan, PursuitRef, ReviewRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action, Block
from coachbot.domain.errors import NotPermitted
from coachbot.domain.journey import Move, State
from coachbot.domain.planning import ticked_by_submitting
from coachbot.domain.reviews import Decision, ReviewPurpose
from coachbot.domain.roles import Role

STATUS = Action("status")
# States whose plan can still move: a passed deadline there gets a button to pick a new one.
MOVABLE = (State.PLANNING, State.IN_PROGRESS, State.DRAFT_WITH_FACILITATOR, State.NOT_YET)
# The decisions whose message is mostly "what to change": status shows that part in short.
ASKS_FOR_CHANGES = frozenset({Decision.NOT_YET.value, Decision.FEEDBACK.value})
HELP_ME = Action("help_me")
WITHDRAW = Action("withdraw")
CONFIRMS = frozenset({"yes", "confirm", "sure"})
WITHDRAW_MINE = on(
    Subject.PURSUIT, Relation.OWNER, ref=pursuit_value, roles=(Role.TEACHER,), move="withdraw"
)


def register(r: Registry) -> None:
    r.command("status", rule=OWN, aliases=("progress-me", "where"))(status)
    r.action(STATUS, rule=OWN)(status)
    r.command("withdraw", Role.TEACHER, rule=OWN)(withdraw)
    r.action(WITHDRAW, rule=WITHDRAW_MINE)(withdraw_confirmed)
    r.command("helpme", Role.TEACHER, rule=OWN, aliases=("stuck", "ask"))(help_me)
    r.action(HELP_ME, rule=for_roles(Role.TEACHER))(help_me_pressed)


async def status(turn: Turn, args: str) -> None:
    mine = await turn.use.status.teacher(turn.me.email, turn.me.district_id)
    staff = turn.me.is_(Role.FACILITATOR) or turn.me.is_admin
    if not turn.me.is_(Role.TEACHER) or (staff and not mine.pursuits):
        await greet(turn)  # what waits for them as a reviewer or leader, not a teacher's view
        return
    feedback = await turn.read.feedback(turn.me.person_id) if mine.pursuits else []
    buttons = []
    for line in mine.pursuits:
        if line.state in (State.IN_PROGRESS, State.NOT_YET) and line.next_milestone:
            # Submitting is done by submitting: its button shows the evidence and the way to
            # hand it in, never a "Done" that would tick it off with nothing handed in.
            submits = ticked_by_submitting(line.next_milestone)
            buttons.append(
                turn.say.button(
                    "hand_in_of" if submits else "mark_done", DRAFT if submits else DONE,
                    PursuitRef(line.pursuit_id), code=line.credential_code,
                )
            )  # fmt: skip
        if line.state == State.APPROVED or (line.state == State.PLANNING and not line.deadline):
            # approved, or planning with no plan saved yet: the plan is the next step
            buttons.insert(
                0,
                turn.say.button("make_plan", PLAN_FOR, PursuitRef(line.pursuit_id), primary=True),
            )
        if line.state == State.SENT_BACK:  # the approver's note is in their message; ask again
            buttons.insert(
                0,
                turn.say.button(
                    "ask_again", REQUEST_APPROVAL, PursuitRef(line.pursuit_id), primary=True
                ),
            )
        if line.deadline and line.deadline < turn.today() and line.state in MOVABLE:
            buttons.insert(
                0,
                turn.say.button(
                    "new_deadline",
                    CHANGE_DEADLINE,
                    ProposedPlan(PursuitRef(line.pursuit_id), line.deadline),
                    primary=True,
                ),
            )
    if not mine.pursuits and turn.me.is_(Role.TEACHER):
        buttons.append(turn.say.button("browse_catalog", CATALOG, primary=True))
    # A colleague's draft waiting for her comments is named here, where she lands on opening
    # the chat, with the button that opens it (a trial's peer had to know to say "queue").
    peers = [item for item in await turn.read.queue(turn.me.person_id)
             if item.purpose == ReviewPurpose.PEER]  # fmt: skip
    buttons[:0] = [
        turn.say.button("open_draft_of", OPEN_REVIEW, ReviewRef(item.review_id),
                        primary=True, teacher=item.teacher)
        for item in peers[:2]
    ]  # fmt: skip
    changes: list[Block] = []
    seen: list[int] = []
    for found in feedback:
        if found.state != State.WITHDRAWN:
            ref = PursuitRef(found.pursuit_id)
            buttons.append(turn.say.button("read_feedback", FEEDBACK, ref, code=found.code))
        latest = found.latest
        if found.state in REVISING and latest.decision in ASKS_FOR_CHANGES and latest.changes:
            changes.append(
                turn.say.text("feedback.j2", "status_changes", title=found.title,
                              code=found.code, changes=latest.changes)
            )  # fmt: skip
            seen += [latest.news_id] if latest.pending else []
    for line in mine.pursuits:  # an approver's note stays readable after its message
        if line.state == State.SENT_BACK:
            decided = await turn.read.approval_decision(line.pursuit_id)
            if decided is not None and decided.reason:
                changes.append(
                    turn.say.text("feedback.j2", "status_sent_back", title=line.credential_title,
                                  code=line.credential_code, by=decided.by, note=decided.reason)
                )  # fmt: skip
    settings = await turn.use.person_settings.view(turn.me.person_id)
    await turn.reply(
        turn.say.reply(
            "pursuit.j2",
            "status",
            s=mine,
            totals=await turn.use.ledger.totals(turn.me.person_id),
            settings=settings,
            today=turn.today(),
            tz=turn.me.timezone,
            buttons=buttons[:6],
            peers=peers,
            extra=changes,
        )
    )
    # What to change was the heart of that news: read here, it is not sent again later.
    await turn.use.outbox.read_in_chat(turn.me.person_id, seen)


async def withdraw(turn: Turn, args: str) -> None:
    """Withdrawing asks first: the answer is a button (or "withdraw CODE yes")."""
    code, rest = first_word(args)
    summary = await my_pursuit(turn, code)
    if rest.lower() in CONFIRMS:
        await withdraw_confirmed(turn, str(as_seen(summary)))
        return
    buttons = [
        turn.say.button("withdraw_yes", WITHDRAW, as_seen(summary), means="yes"),
        turn.say.button("keep_working", STATUS, primary=True, means="no"),
    ]
    await turn.reply(
        turn.say.reply("pursuit.j2", "withdraw_ask", title=summary.title, buttons=buttons)
    )


async def withdraw_confirmed(turn: Turn, value: str) -> None:
    pursuit = PursuitRef.parse(value)
    if await turn.read.teacher_of(pursuit.pursuit_id) != turn.me.person_id:
        raise NotPermitted(move="withdraw", parties=["owner"])
    summary = await turn.read.pursuit(pursuit.pursuit_id)
    await turn.use.journey.move(
        turn.me.actor,
        pursuit.pursuit_id,
        Move.WITHDRAW,
        expected_version=pursuit.version,
        idempotency_key=turn.key(),
    )
    await turn.answer("pursuit.j2", "withdrawn", title=summary.title)


async def help_me(turn: Turn, args: str) -> None:
    if args.strip().lower() == "again":  # "ask again", as the status button says
        mine = await turn.use.status.teacher(turn.me.email, turn.me.district_id)
        sent_back = [line for line in mine.pursuits if line.state == State.SENT_BACK]
        if sent_back:
            await request_approval(turn, str(PursuitRef(sent_back[0].pursuit_id)))
        else:  # no request to ask again: nothing is sent to anyone for a lone "again"
            await turn.answer("pursuit.j2", "nothing_to_ask_again")
        return
    summary = await my_pursuit(turn, None)
    facilitators = await turn.read.facilitators_of(summary.pursuit_id)
    admins = not facilitators  # said as it is: the admins, not "your facilitators"
    if admins:
        facilitators = await turn.read.district_admins(turn.me.district_id)
    note = turn.say.reply(
        "pursuit.j2",
        "help_request",
        teacher=turn.me.name,
        email=turn.me.email,
        title=summary.title,
        state=summary.state,
        message=args,
    )
    for person_id in facilitators:
        await turn.notify.to_person(person_id, note)
    await turn.use.journey.note(turn.me.actor, summary.pursuit_id, "ask_for_help", args)
    await turn.answer("pursuit.j2", "help_sent", count=0 if admins else len(facilitators))


async def help_me_pressed(turn: Turn, value: str) -> None:
    await help_me(turn, "")
