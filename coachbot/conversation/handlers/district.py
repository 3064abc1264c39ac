"""Leaders in chat: cohorts, policy and progress (teachers join and leave in ``joining``)."""

from __future__ import annotations

import re
from datetime import date

from coachbot.conversation.authorization import OWN, for_roles
from coachbot.conversation.dates import parse_day, spoken
from coachbot.conversation.handlers.common import first_word, schools_seen
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action, FieldKind, Form, FormField
from coachbot.domain.errors import InvalidInput, NotFound
from coachbot.domain.roles import Role

ADMINS = (Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN)
NEW_COHORT = Action("new_cohort")
PROGRESS = Action("progress")


def register(r: Registry) -> None:
    r.command("cohort", *ADMINS, rule=OWN, aliases=("cohorts",))(cohort)
    r.action(NEW_COHORT, rule=for_roles(*ADMINS))(new_cohort)
    r.form("cohort_new", rule=for_roles(*ADMINS))(cohort_submitted)
    r.command("policy", Role.DISTRICT_ADMIN, rule=OWN)(policy)
    r.command("progress", *ADMINS, Role.FACILITATOR, rule=OWN)(progress)
    r.action(PROGRESS, rule=for_roles(*ADMINS, Role.FACILITATOR))(progress)


async def cohort(turn: Turn, args: str) -> None:
    """``cohort`` lists; ``cohort new`` opens the form; ``cohort add NAME: a@x, b@y`` adds."""
    word, rest = first_word(args)
    if word.lower() == "new":
        await new_cohort(turn, "")
        return
    if word.lower() in {"add", "facilitator"}:
        name, _, emails = rest.partition(":")
        role = Role.FACILITATOR if word.lower() == "facilitator" else Role.TEACHER
        await _add_members(turn, name.strip(), emails, role)
        return
    cohorts = await turn.read.cohorts(turn.me.district_id)
    await turn.reply(
        turn.say.reply(
            "cohorts.j2",
            "list",
            cohorts=[name for _, name in cohorts],
            buttons=[turn.say.button("new_cohort", NEW_COHORT, primary=True)],
        )
    )


async def _add_members(turn: Turn, name: str, emails: str, role: Role) -> None:
    if not name or not emails.strip():
        raise InvalidInput(field="cohort", hint="cohort_add_usage")
    match = [
        cid
        for cid, cname in await turn.read.cohorts(turn.me.district_id)
        if cname.lower() == name.lower()
    ]
    if not match:
        raise NotFound(what="cohort", key=name)
    added, already, unknown = [], [], []
    for email in (e.strip() for e in emails.replace(";", ",").split(",")):
        if not email:
            continue
        try:
            if await turn.use.cohorts.add_member(turn.me.actor, match[0], email, role):
                added.append(email)
            else:
                already.append(email)
        except NotFound:
            unknown.append(email)
    await turn.answer(
        "cohorts.j2",
        "members_added",
        cohort=name,
        added=added,
        already=already,
        unknown=unknown,
        role=role.value,
    )


async def new_cohort(turn: Turn, value: str) -> None:
    await turn.open_form(
        Form(
            "cohort_new",
            turn.say.label("form_cohort"),
            (
                FormField("name", turn.say.label("field_cohort_name"), FieldKind.SHORT_TEXT),
                FormField(
                    "starts",
                    turn.say.label("field_starts"),
                    FieldKind.DATE,
                    hint=turn.say.label("hint_plain_date"),
                ),
                FormField(
                    "ends", turn.say.label("field_ends"), FieldKind.DATE, not_before="starts"
                ),
                FormField(
                    "window_opens",
                    turn.say.label("field_window_opens"),
                    FieldKind.DATE,
                    required=False,
                    not_before="starts",  # checked as typed, as the end's is
                    not_after="ends",
                ),
                FormField(
                    "window_closes",
                    turn.say.label("field_window_closes"),
                    FieldKind.DATE,
                    required=False,
                    not_before="window_opens",
                    not_after="ends",  # a window closing after the cohort: asked at once
                ),
            ),
            turn.say.label("create"),
        )
    )


def _day(turn: Turn, values: dict[str, str], name: str, required: bool = True) -> date | None:
    raw = values.get(name, "").strip()
    if not raw and not required:
        return None
    day = parse_day(raw, turn.me.timezone, turn.clock.now())
    if day is None:
        raise InvalidInput(field=name, hint="date_unclear", value=raw[:60])
    return day


def _check_dates(starts: date, ends: date, opens: date | None, closes: date | None) -> None:
    """Each problem names the question to ask again: the dates of the cohort, and a submission
    window inside them (a window outside the cohort's own dates is a typo, seldom a wish)."""
    if ends < starts:  # either may be the wrong one: both are asked again, as given
        raise InvalidInput(field="ends", hint="ends_before_start", also=("starts",))
    if (opens is None) != (closes is None):
        raise InvalidInput(
            field="window_closes" if closes is None else "window_opens", hint="window_both_dates"
        )
    if opens is None or closes is None:
        return
    if closes < opens:
        raise InvalidInput(field="window_closes", hint="ends_before_start")
    for name, day in (("window_opens", opens), ("window_closes", closes)):
        if not starts <= day <= ends:
            raise InvalidInput(
                field=name,
                hint="window_outside_cohort",
                value=spoken(day),
                starts=spoken(starts),
                ends=spoken(ends),
            )


async def cohort_submitted(turn: Turn, values: dict[str, str], context: str) -> None:
    starts, ends = _day(turn, values, "starts"), _day(turn, values, "ends")
    opens = _day(turn, values, "window_opens", required=False)
    closes = _day(turn, values, "window_closes", required=False)
    assert starts is not None and ends is not None
    _check_dates(starts, ends, opens, closes)
    window = (opens, closes) if opens and closes else None
    # A school admin's cohort is their school's: a district-wide one is a district admin's.
    school_id = None
    if not turn.me.is_(Role.DISTRICT_ADMIN):
        school_id = next(
            (g.school_id for g in turn.me.actor.grants if g.role == Role.SCHOOL_ADMIN),
            turn.me.school_id,
        )
    await turn.use.cohorts.create(
        turn.me.actor, values.get("name", ""), starts, ends, school_id=school_id, window=window
    )
    await turn.answer(
        "cohorts.j2",
        "created",
        name=values.get("name", "").strip(),
        starts=spoken(starts),
        ends=spoken(ends),
        window=(spoken(window[0]), spoken(window[1])) if window else None,
    )


async def policy(turn: Turn, args: str) -> None:
    word, rest = first_word(args)
    if word.lower() == "set":
        key, value = _setting(rest, turn.use.policy.settable())
        if key == "window":
            value = _window_words(turn, value)
        changed = await turn.use.policy.set(turn.me.actor, key, value)
        await turn.answer("policy.j2", "changed", key=key, value=changed)
        return
    current = await turn.use.policy.current(turn.me.district_id)
    await turn.answer("policy.j2", "show", p=current, settable=turn.use.policy.settable())


def _setting(rest: str, settable: list[str]) -> tuple[str, str]:
    """The setting named as people write it ("quiet hours" or "quiet_hours"), and its value."""
    words = rest.split()
    for size in (3, 2, 1):
        key = "_".join(words[:size]).lower()
        if key in settable:
            return key, " ".join(words[size:])
    return (words[0].lower() if words else ""), " ".join(words[1:])


def _window_words(turn: Turn, value: str) -> str:
    """A window in plain dates ("September 1 to May 28") as the policy keeps it (ISO)."""
    opens, _, closes = value.partition(" to ")
    days = [parse_day(side, turn.me.timezone, turn.clock.now()) for side in (opens, closes)]
    if not closes.strip() or None in days:
        raise InvalidInput(field="window", hint="window_format", value=value[:40])
    first, last = days
    assert first is not None and last is not None
    # A window is about this school year: "September 1" typed on September 8 is this
    # September (not next year's), and "to May 28" is the May after it.
    if (first - turn.today()).days > 183 and not _typed_year(opens):
        first = _same_day(first, first.year - 1)
    if not _typed_year(closes):
        last = _same_day(last, first.year)
        if last < first:
            last = _same_day(last, first.year + 1)
    return f"{first.isoformat()} to {last.isoformat()}"


def _typed_year(words: str) -> bool:
    return re.search(r"\b\d{4}\b", words) is not None


def _same_day(day: date, year: int) -> date:
    """``day`` in ``year`` (February 29 as the 28th in a year without one)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


async def progress(turn: Turn, args: str) -> None:
    cohorts = await turn.read.cohorts(turn.me.district_id)
    wanted = args.strip().lower()
    chosen = [(cid, name) for cid, name in cohorts if not wanted or wanted in name.lower()]
    now = turn.clock.now()
    schools = schools_seen(turn)
    reports = [await turn.use.status.cohort(cid, now, schools=schools) for cid, _ in chosen[:5]]
    # The district's (or the school admin's schools') teachers above the cohorts' lines, so
    # nobody adds the lines up and expects this figure.
    coverage = await turn.use.status.coverage(turn.me.district_id, schools)
    # Work outside any cohort, in a leader's whole view: a trial's admin saw a stipend leave
    # the budget with no name, a teacher working on her own (no cohort was open) in no line.
    outside = None
    if turn.me.is_admin and not wanted:
        outside = await turn.use.status.outside(turn.me.district_id, now, schools)
    await turn.answer(
        "cohorts.j2", "progress", reports=reports, coverage=coverage,
        schools=schools is not None, shown=min(len(chosen), 5), chosen=len(chosen),
        outside=outside,
    )  # fmt: skip
