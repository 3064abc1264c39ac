"""Reminders from the person's side: snooze, mute, "why did you message me?"; and for district
admins, the messages the platform would not take, to send again.

A message lands among the undelivered only after the dispatcher's bounded retries (network
errors, 5xx, or an answer such as "channel not found"), never for a 429, which is just a wait.
Retrying is safe to press twice: the second press finds nothing left to retry.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coachbot.conversation.authorization import OWN, Relation, Subject, on, person_or_all
from coachbot.conversation.dates import parse_day, spoken
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action
from coachbot.domain.errors import InvalidInput
from coachbot.domain.roles import Role

SNOOZE_WEEK = Action("snooze_week")
RETRY_DEAD = Action("retry_dead")
SHOWN = 10  # dead letters listed in chat; the server's `coachbot nudges --dead` shows them all
# "why was my credential revoked?" asks about a revocation, not the last reminder (a teacher
# got the reminder rules instead of the reason). Either a revoke word, or a credential word with
# a taken-away word ("why was my badge taken away").
REVOKE_STEMS = ("revok", "revocation")
CREDENTIAL_WORDS = ("credential", "badge")
TAKEN_WORDS = frozenset({"taken", "took", "take", "removed", "pulled", "withdrawn", "cancelled"})


def register(r: Registry) -> None:
    r.command("snooze", rule=OWN)(snooze)
    r.action(SNOOZE_WEEK, rule=OWN)(snooze_week)
    r.command("mute", rule=OWN)(mute)
    r.command("unmute", rule=OWN)(unmute)
    r.command("why", rule=OWN)(why)
    r.command(
        "undelivered", Role.DISTRICT_ADMIN, rule=OWN, aliases=("deliveries", "dead")
    )(undelivered)
    r.action(
        RETRY_DEAD,
        rule=on(
            Subject.PERSON,
            Relation.DISTRICT_ADMIN,
            ref=person_or_all,
            roles=(Role.DISTRICT_ADMIN,),
        ),
    )(retry)


def _snooze_date(args: str) -> str:
    """The date in "until next monday", "till Dec 3" or "for 2 weeks" (as "in 2 weeks")."""
    words = args.strip()
    head, _, rest = words.partition(" ")
    if head.lower() in {"until", "till", "til", "to"}:
        return rest.strip()
    if head.lower() == "for" and rest:
        return f"in {rest.strip()}"
    return words


async def snooze(turn: Turn, args: str) -> None:
    args = _snooze_date(args)
    if not args:
        raise InvalidInput(field="date", hint="snooze_needs_date")
    day = parse_day(args, turn.me.timezone, turn.clock.now())
    if day is None or day <= turn.today():
        raise InvalidInput(field="date", hint="date_unclear", value=args[:60])
    if day > turn.today() + timedelta(days=90):
        raise InvalidInput(field="date", hint="snooze_too_long", value=spoken(day))
    until = datetime.combine(day, time(0, 0), ZoneInfo(turn.me.timezone)).astimezone(UTC)
    await turn.use.person_settings.update(turn.me.actor, snoozed_until=until)
    await turn.answer("general.j2", "snoozed", until=spoken(day))


async def snooze_week(turn: Turn, value: str) -> None:
    await snooze(turn, (turn.today() + timedelta(days=7)).isoformat())


async def mute(turn: Turn, args: str) -> None:
    await turn.use.person_settings.update(turn.me.actor, muted=True)
    await turn.answer("general.j2", "muted")


async def unmute(turn: Turn, args: str) -> None:
    await turn.use.person_settings.update(turn.me.actor, muted=False, snoozed_until=None)
    await turn.answer("general.j2", "unmuted")


def _asks_about_revocation(args: str) -> bool:
    words = ["".join(ch for ch in w if ch.isalpha()) for w in args.lower().split()]
    if any(w.startswith(REVOKE_STEMS) for w in words):
        return True
    return any(w.startswith(CREDENTIAL_WORDS) for w in words) and bool(TAKEN_WORDS & set(words))


async def why(turn: Turn, args: str) -> None:
    """ "Why did you message me?": the last reminder, what it was about and the rules it met.
    "Why was my credential revoked?": her revoked credentials, when and why, and whom to ask;
    with none revoked, she is told so before the usual answer."""
    asked_revoked = _asks_about_revocation(args)
    if asked_revoked:
        revoked = [c for c in await turn.use.credentials.held_by(turn.me.actor) if c.revoked_at]
        if revoked:
            await turn.answer("credentials.j2", "why_revoked", revoked=revoked,
                              now=turn.clock.now(), tz=turn.me.timezone)  # fmt: skip
            return
    last = await turn.use.outbox.last_sent_to(turn.me.person_id)
    policy = await turn.use.policy.current(turn.me.district_id)
    await turn.answer("nudges.j2", "why", last=last, params=dict(last.params) if last else {},
                      cap=policy.nudge_cap_per_week, tz=turn.me.timezone,
                      quiet_start=policy.quiet_start.strftime("%H:%M"),
                      quiet_end=policy.quiet_end.strftime("%H:%M"),
                      none_revoked=asked_revoked)  # fmt: skip


async def undelivered(turn: Turn, args: str) -> None:
    """The messages that could not be delivered, to send again; and, so "all delivered" is only
    said when true, those still waiting for their person to open the chat, and those held for
    their person's quiet hours or a school break (nothing to fix in either)."""
    total, letters = await turn.use.outbox.dead_letters(turn.me.district_id, limit=SHOWN)
    waiting, waiting_letters = await turn.use.outbox.waiting_for_chat(
        turn.me.district_id, limit=SHOWN
    )
    held, held_letters = await turn.use.outbox.held_back(turn.me.district_id, limit=SHOWN)
    buttons = []
    if total:
        buttons.append(turn.say.button("retry_all_dead", RETRY_DEAD, "all", primary=True,
                                       count=total))  # fmt: skip
        for person_id, name in {d.person_id: d.person for d in letters}.items():
            if len(buttons) > 3:
                break
            buttons.append(turn.say.button("retry_dead_for", RETRY_DEAD, person_id, name=name))
    await turn.reply(
        turn.say.reply("deliveries.j2", "list", total=total, letters=letters,
                       waiting=waiting, waiting_letters=waiting_letters,
                       held=held, held_letters=held_letters,
                       tz=turn.me.timezone, buttons=buttons)
    )  # fmt: skip


async def retry(turn: Turn, value: str) -> None:
    person_id = person_or_all(value)  # the rule checked the person is in this district
    again = await turn.use.outbox.retry_dead(district_id=turn.me.district_id, person_id=person_id)
    await turn.answer("deliveries.j2", "retrying", count=again)
