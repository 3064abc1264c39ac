"""Help, onboarding, joining a cohort, snooze and mute, privacy choices."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from coachbot.conversation.dates import parse_day, spoken
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import FieldKind, Form, FormField, Option
from coachbot.domain.errors import InvalidInput
from coachbot.domain.roles import Role
from coachbot.services.nudging.history import last_sent_to

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
    r.command("help", aliases=("?", "commands"))(help_)
    r.command("start", aliases=("hello", "hi", "onboard"))(start)
    r.form("onboarding")(onboarding_submitted)
    r.command("join", Role.TEACHER)(join)
    r.action("join")(join_pressed)
    r.command("snooze")(snooze)
    r.action("snooze_week")(snooze_week)
    r.command("mute")(mute)
    r.command("unmute")(unmute)
    r.command("privacy")(privacy)
    r.command("why")(why)


async def help_(turn: Turn, args: str) -> None:
    await turn.answer("help.j2", "overview", names=list(turn.commands), name=turn.me.name)


async def start(turn: Turn, args: str) -> None:
    settings = await turn.bot.settings_of.view(turn.me.person_id)
    goals = await turn.bot.views.school_goals(turn.me.school_id)
    zones = list(dict.fromkeys((turn.me.timezone, *US_ZONES)))
    yes_no = (turn.say.option("yes", "yes"), turn.say.option("no", "no"))
    fields = [
        FormField(
            "timezone",
            turn.say.label("field_timezone"),
            FieldKind.CHOICE,
            initial=turn.me.timezone,
            options=tuple(Option(z, z) for z in zones),
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
    if goals:
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
    await turn.answer("general.j2", "welcome", name=turn.me.name, onboarded=settings.onboarded)
    await turn.channel.open_form(
        Form("onboarding", turn.say.label("form_onboarding"), tuple(fields), turn.say.label("save"))
    )


async def onboarding_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    zone = values.get("timezone", "").strip() or turn.me.timezone
    if zone not in available_timezones():
        raise InvalidInput(field="timezone", hint="timezone", value=zone[:60])
    goal = values.get("goal", "").strip()
    await turn.bot.settings_of.update(
        turn.me.actor,
        timezone=zone,
        onboarded=True,
        goals=[goal] if goal else [],
        open_to_questions=values.get("open_to_questions") == "yes",
        named_in_announcements=values.get("named_in_announcements", "yes") == "yes",
    )
    cohorts = await turn.bot.views.my_cohorts(turn.me.person_id)
    buttons = [turn.say.button("browse_catalog", "catalog", primary=True)]
    if not cohorts and turn.me.is_(Role.TEACHER):
        buttons.append(turn.say.button("join_cohort", "join"))
    await turn.channel.reply(
        turn.say.reply(
            "general.j2", "onboarded", timezone=zone, goal=goal, cohorts=cohorts, buttons=buttons
        )
    )


async def join(turn: Turn, args: str) -> None:
    open_cohorts = await turn.bot.views.joinable_cohorts(turn.me.person_id)
    if args:
        wanted = args.strip().lower()
        match = [c for c in open_cohorts if c[1].lower() == wanted]
        if match:
            await join_pressed(turn, str(match[0][0]))
            return
    buttons = [
        turn.say.button("join_this", "join", str(cid), name=name) for cid, name in open_cohorts[:10]
    ]
    await turn.channel.reply(
        turn.say.reply(
            "general.j2", "cohorts_to_join", cohorts=[n for _, n in open_cohorts], buttons=buttons
        )
    )


async def join_pressed(turn: Turn, value: str) -> None:
    if not value.isdigit():
        await join(turn, "")
        return
    name, added = await turn.bot.cohorts.join(turn.me.actor, int(value))
    await turn.answer("general.j2", "joined", cohort=name, added=added)


async def snooze(turn: Turn, args: str) -> None:
    if not args:
        raise InvalidInput(field="date", hint="snooze_needs_date")
    day = parse_day(args, turn.me.timezone, turn.bot.clock.now())
    if day is None or day <= turn.me.today(turn.bot):
        raise InvalidInput(field="date", hint="date_unclear", value=args[:60])
    if day > turn.me.today(turn.bot) + timedelta(days=90):
        raise InvalidInput(field="date", hint="snooze_too_long", value=spoken(day))
    until = datetime.combine(day, time(0, 0), ZoneInfo(turn.me.timezone)).astimezone(UTC)
    await turn.bot.settings_of.update(turn.me.actor, snoozed_until=until)
    await turn.answer("general.j2", "snoozed", until=spoken(day))


async def snooze_week(turn: Turn, value: str) -> None:
    await snooze(turn, (turn.me.today(turn.bot) + timedelta(days=7)).isoformat())


async def mute(turn: Turn, args: str) -> None:
    await turn.bot.settings_of.update(turn.me.actor, muted=True)
    await turn.answer("general.j2", "muted")


async def unmute(turn: Turn, args: str) -> None:
    await turn.bot.settings_of.update(turn.me.actor, muted=False, snoozed_until=None)
    await turn.answer("general.j2", "unmuted")


async def privacy(turn: Turn, args: str) -> None:
    await start(turn, args)


async def why(turn: Turn, args: str) -> None:
    """"Why did you message me?": the last reminder, what it was about and the rules it met."""
    last = await last_sent_to(turn.bot.db, turn.me.person_id)
    policy = await turn.bot.policy.current(turn.me.district_id)
    await turn.answer("nudges.j2", "why", last=last, params=dict(last.params) if last else {},
                      cap=policy.nudge_cap_per_week, tz=turn.me.timezone,
                      quiet_start=policy.quiet_start.strftime("%H:%M"),
                      quiet_end=policy.quiet_end.strftime("%H:%M"))
