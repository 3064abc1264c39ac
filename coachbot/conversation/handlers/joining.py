"""Teachers join a cohort (only one still open: a closed one is named with its closing day and
what to do instead) and leave one they have handed nothing in for."""

from __future__ import annotations

from coachbot.conversation.authorization import OWN, Relation, Subject, cohort_value, on
from coachbot.conversation.dates import spoken
from coachbot.conversation.handlers.common import first_word
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import Action
from coachbot.domain.roles import Role
from coachbot.services.reading.cohort_choices import CohortChoices

JOIN = Action("join")


def register(r: Registry) -> None:
    r.command("join", Role.TEACHER, rule=OWN)(join)
    r.action(
        JOIN, rule=on(Subject.COHORT, Relation.MEMBER, ref=cohort_value, roles=(Role.TEACHER,))
    )(join_pressed)
    r.command("leave", Role.TEACHER, rule=OWN)(leave)


async def join(turn: Turn, args: str) -> None:
    """``join`` lists the open cohorts; ``join NAME`` (or ``join cohort NAME``) joins one."""
    choices = await turn.read.cohort_choices(turn.me.person_id, turn.today())
    words = _cohort_words(args)
    found = choices.named(words) if words else None
    if found and found[0] != "closed":
        await join_pressed(turn, str(found[1]))
        return
    if found:
        await _closed(turn, choices, found[1])
        return
    buttons = [
        turn.say.button("join_this", JOIN, cid, name=name) for cid, name in choices.open[:10]
    ]
    await turn.reply(
        turn.say.reply(
            "general.j2", "cohorts_to_join", cohorts=[n for _, n in choices.open],
            closed=_closed_days(choices), alone=choices.alone, buttons=buttons,
        )
    )  # fmt: skip


async def join_pressed(turn: Turn, value: str) -> None:
    cohort_id = cohort_value(value)
    if cohort_id is None:
        await join(turn, "")
        return
    choices = await turn.read.cohort_choices(turn.me.person_id, turn.today())
    if any(cid == cohort_id for cid, _, _ in choices.closed):  # a button from before it closed
        await _closed(turn, choices, cohort_id)
        return
    name, added = await turn.use.cohorts.join(turn.me.actor, cohort_id)
    await turn.answer("general.j2", "joined", cohort=name, added=added)


async def _closed(turn: Turn, choices: CohortChoices, cohort_id: int) -> None:
    name, day = next((n, d) for cid, n, d in choices.closed if cid == cohort_id)
    await turn.answer(
        "general.j2", "cohort_closed", cohort=name, closed=spoken(day),
        cohorts=[n for _, n in choices.open], alone=choices.alone,
    )  # fmt: skip


def _closed_days(choices: CohortChoices) -> list[tuple[str, str]]:
    """The cohorts that closed most lately, so "none open" does not read as "none at all"."""
    return [(name, spoken(day)) for _, name, day in choices.closed[:3]]


def _cohort_words(args: str) -> str:
    word, rest = first_word(args)
    return rest.strip() if word.lower() in {"cohort", "the"} and rest.strip() else args.strip()


async def leave(turn: Turn, args: str) -> None:
    """``leave cohort NAME``: the name typed out is the confirmation, as a closed cohort cannot
    be joined again. Work handed in keeps a teacher in (the service says so)."""
    choices = await turn.read.cohort_choices(turn.me.person_id, turn.today())
    words = _cohort_words(args)
    found = choices.named(words) if words and words.lower() != "cohort" else None
    if found is None or found[0] != "mine":
        await turn.answer(
            "general.j2", "leave_how", mine=[n for _, n in choices.mine], named=words,
            cohort_named=words.lower() not in {"", "cohort"},
        )  # fmt: skip
        return
    name, moved = await turn.use.cohorts.leave(turn.me.actor, found[1])
    await turn.answer(
        "general.j2", "left", cohort=name, moved=moved, alone=choices.alone,
        until=spoken(choices.shared_closes) if choices.shared_closes else None,
        cohorts=[n for _, n in choices.open],
    )  # fmt: skip
