"""Help, greetings and onboarding: a person's time zone, goal and privacy choices.

First contact greets each role with what it can do (a facilitator is not told about choosing
a credential); "hi" to someone already set up says hello and what waits for them, and never
opens the settings form again; "start" and "privacy" do.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from zoneinfo import available_timezones

from coachbot.conversation import zones
from coachbot.conversation.authorization import OWN
from coachbot.conversation.chatter import small_talk_kind
from coachbot.conversation.handlers.catalog import CATALOG
from coachbot.conversation.handlers.home import greet, help_, now
from coachbot.conversation.handlers.joining import JOIN
from coachbot.conversation.handlers.reviews import OPEN_REVIEW, QUEUE
from coachbot.conversation.refs import ReviewRef
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import (
    Button,
    Command,
    DirectMessage,
    FieldKind,
    Form,
    FormField,
    Option,
    Style,
)
from coachbot.conversation.zones import shown
from coachbot.domain.errors import InvalidInput
from coachbot.domain.reviews import ReviewPurpose
from coachbot.domain.roles import Role

US_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)


def register(r: Registry) -> None:
    r.command("help", rule=OWN, aliases=("?", "commands"))(help_)
    r.command("start", rule=OWN, aliases=("onboard", "settings"))(start)
    r.form("onboarding", rule=OWN)(onboarding_submitted)
    r.command("privacy", rule=OWN)(privacy)
    r.on_small_talk(small_talk)


async def small_talk(turn: Turn) -> bool:
    """Answer "thanks!", "hi", "ok", "bye" in a few words; False for anything else."""
    event = turn.event
    text = event.text if isinstance(event, DirectMessage) else ""
    if isinstance(event, Command):
        text = f"{event.name} {event.args}".lstrip("/").removeprefix("coach ")
    kind = small_talk_kind(text)
    if kind is None:
        return False
    if kind == "hello":
        settings = await turn.use.person_settings.view(turn.me.person_id)
        staff = turn.me.is_(Role.FACILITATOR) or turn.me.is_admin
        if settings.onboarded:
            await greet(turn)
        elif staff or not settings.new:  # what waits for them, never a form in the way of it
            await greet(turn, settings_unsaved=True)
        else:  # a teacher's first contact: the welcome and their settings
            await start(turn, "")
        return True
    await turn.answer("home.j2", "small_talk", kind=kind, name=turn.me.name)
    return True


async def start(turn: Turn, args: str) -> None:
    settings = await turn.use.person_settings.view(turn.me.person_id)
    goals = await turn.read.school_goals(turn.me.school_id)
    choices = list(dict.fromkeys((turn.me.timezone, *US_ZONES)))
    yes_no = (turn.say.option("yes", "yes"), turn.say.option("no", "no"))
    fields = [
        FormField(
            "timezone",
            turn.say.label("field_timezone"),
            FieldKind.TIMEZONE,
            initial=turn.me.timezone,
            options=tuple(Option(shown(z), z) for z in choices),
        ),
        FormField(
            "open_to_questions",
            turn.say.label("field_open_to_questions"),
            FieldKind.CHOICE,
            initial="yes" if settings.open_to_questions else "no",
            options=yes_no,
        ),
        FormField(
            "named_in_announcements",
            turn.say.label("field_named"),
            FieldKind.CHOICE,
            initial="yes" if settings.named_in_announcements else "no",
            options=yes_no,
        ),
    ]
    if not turn.me.is_(Role.TEACHER):
        # Goals, colleagues' questions and announcements are about a teacher's own
        # credentials: a leader or a reviewer is asked only for their time zone.
        fields = fields[:1]
    elif goals:
        fields.insert(
            1,
            FormField(
                "goal",
                turn.say.label("field_goal"),
                FieldKind.CHOICE,
                required=False,
                initial=(settings.goals or [""])[0],
                options=tuple(Option(g, g) for g in goals),
            ),
        )
    await turn.answer(
        "general.j2",
        "welcome",
        name=turn.me.name,
        onboarded=not settings.new,
        roles=[role.value for role in Role if turn.me.is_(role)],
    )
    await turn.open_form(
        Form("onboarding", turn.say.label("form_onboarding"), tuple(fields), turn.say.label("save"))
    )


async def onboarding_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    said = values.get("timezone", "").strip()
    zone = zones.resolve(said) if said else turn.me.timezone
    if zone is None or zone not in available_timezones():
        raise InvalidInput(field="timezone", hint="timezone", value=said[:60])
    goal = values.get("goal", "").strip()
    before = await turn.use.person_settings.view(turn.me.person_id)
    asked = {"open_to_questions", "named_in_announcements"} <= set(values)
    await turn.use.person_settings.update(
        turn.me.actor,
        timezone=zone,
        onboarded=True,
        goals=[goal] if goal else ([] if asked else list(before.goals or [])),
        open_to_questions=values.get("open_to_questions") == "yes"
        if asked
        else before.open_to_questions,
        named_in_announcements=values.get("named_in_announcements", "yes") == "yes"
        if asked
        else before.named_in_announcements,
    )
    cohorts = await turn.read.my_cohorts(turn.me.person_id)
    teacher = turn.me.is_(Role.TEACHER)
    found = await now(turn)
    # What already waits (a colleague's draft for her comments, a reviewer's queue) is named
    # before the catalog, with its button: a trial's peer ended the welcome form on "browse
    # the credentials" while her colleague's draft waited, pushed off screen by the form.
    buttons = _waiting_buttons(turn, found.reviews or [])
    if teacher:
        buttons.append(turn.say.button("browse_catalog", CATALOG, primary=not buttons))
    # Offered only when a cohort is open to join (a trial was offered one that had ended).
    can_join = False
    if not cohorts and teacher:
        can_join = bool((await turn.read.cohort_choices(turn.me.person_id, turn.today())).open)
        if can_join:
            buttons.append(turn.say.button("join_cohort", JOIN))
    await turn.reply(
        turn.say.reply(
            "general.j2", "onboarded", timezone=shown(zone), goal=goal, cohorts=cohorts,
            teacher=teacher, can_join=can_join or bool(cohorts), now=found, tz=zone,
            buttons=buttons,
        )
    )  # fmt: skip


def _waiting_buttons(turn: Turn, reviews: list[dict[str, Any]]) -> list[Button]:
    """"Open Zoe Brown's draft" for each colleague's draft waiting for comments (two at
    most), then the first official review waiting, or the queue when several are."""
    peers = [r for r in reviews if r["purpose"] == ReviewPurpose.PEER.value]
    official = [r for r in reviews if r["purpose"] != ReviewPurpose.PEER.value]
    buttons = [
        turn.say.button(
            "open_draft_of", OPEN_REVIEW, ReviewRef(r["review_id"]), teacher=r["teacher"]
        )
        for r in peers[:2]
    ]
    if len(official) == 1:
        first = official[0]
        buttons.append(
            turn.say.button("open_review_of", OPEN_REVIEW, ReviewRef(first["review_id"]),
                            teacher=first["teacher"])
        )  # fmt: skip
    elif official:
        buttons.append(turn.say.button("my_queue", QUEUE))
    if buttons:
        buttons[0] = replace(buttons[0], style=Style.PRIMARY)
    return buttons


async def privacy(turn: Turn, args: str) -> None:
    await start(turn, args)
