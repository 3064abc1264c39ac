"""What earning brings, in chat: ``ledger 2026-27 [xlsx]`` (the HR export, district admins),
``stipends`` (the year's budget), ``stipends approve 2026-27``, ``stipends pay 2026-27
batch REF`` and ``stipends recovered ENTRY [REF]`` (district admins), and ``my record`` (a
teacher's own file to keep)."""

from __future__ import annotations

import difflib

from coachbot.conversation.authorization import OWN
from coachbot.conversation.handlers.credentials import my_credentials
from coachbot.conversation.registry import Registry
from coachbot.conversation.turn import Turn
from coachbot.domain.errors import InvalidInput
from coachbot.domain.ledger import read_year
from coachbot.domain.roles import Role

BADGE_WORDS = ("credentials", "credential", "badges", "badge", "earned")
FORMAT_WORDS = ("xlsx", "excel", "spreadsheet", "csv")
# What ``stipends`` does after its name; "recover" is read as "recovered".
STIPEND_VERBS = ("approve", "pay", "recovered")


def register(r: Registry) -> None:
    r.command("ledger", Role.DISTRICT_ADMIN, rule=OWN, aliases=("export",))(ledger)
    r.command("stipends", Role.DISTRICT_ADMIN, rule=OWN, aliases=("stipend", "budget"))(stipends)
    r.command("record", Role.TEACHER, rule=OWN, aliases=("my",))(my_record)


async def _this_year(turn: Turn) -> str:
    return (await turn.use.ledger.budget(turn.me.district_id)).fiscal_year


async def _year(turn: Turn, typed: str) -> tuple[str, str]:
    """The fiscal year ``typed`` means ("2026/27", "FY27": 2026-27), or this year when nothing
    is typed; and what was typed, when it was another spelling, so the answer says how it was
    read."""
    this = await _this_year(turn)
    if not typed:
        return this, ""
    year = read_year(typed, this)
    return year, typed if typed != year else ""


async def ledger(turn: Turn, args: str) -> None:
    words = args.split()
    fmt = "xlsx" if any(w.lower() in ("xlsx", "excel", "spreadsheet") for w in words) else "csv"
    years = [w for w in words if w.lower() not in FORMAT_WORDS]
    try:
        year, read_as = await _year(turn, " ".join(years))  # "FY 27" is two words
    except InvalidInput:
        await _format_not_offered(turn, years)
        raise
    made = await turn.use.ledger_files.year(turn.me.actor, year, fmt)
    await turn.answer(
        "ledger.j2", "year_file", done=made.exported, url=made.url, read_as=read_as
    )


async def _format_not_offered(turn: Turn, words: list[str]) -> None:
    """``ledger 2026-27 pdf``: when the words read as a fiscal year once the first or last
    few are left out, the year was fine and those words name a format not offered: say so
    (a trial was told "2026-27 pdf" isn't a fiscal year). Returns quietly otherwise."""
    for cut in range(1, len(words)):
        for year_words, rest in ((words[:cut], words[cut:]), (words[cut:], words[:cut])):
            try:
                year, _ = await _year(turn, " ".join(year_words))
            except InvalidInput:
                continue
            raise InvalidInput(
                field="format", hint="export_format_year", value=" ".join(rest)[:20], year=year
            )


async def stipends(turn: Turn, args: str) -> None:
    words = args.split()
    if not words:
        budget = await turn.use.ledger.budget(turn.me.district_id)
        await turn.answer("ledger.j2", "budget", b=budget)
        return
    verb, rest = words[0].lower(), words[1:]
    if verb in ("recovered", "recover"):
        await _recovered(turn, rest)
        return
    if verb not in STIPEND_VERBS:
        # The word is checked before the year: "stipends recoverd 75" is a typo of the word,
        # not a fiscal year called "75". A close word is offered, as the engine does.
        near = difflib.get_close_matches(verb, STIPEND_VERBS, 1, 0.6)
        raise InvalidInput(
            field="stipends", hint="stipends_usage", value=verb[:20],
            near=" ".join(["stipends", *near, *rest])[:60] if near else "",
        )  # fmt: skip
    year, read_as = await _year(turn, rest[0] if rest else "")
    if verb == "approve":
        moved = await turn.use.ledger.approve_stipends(turn.me.actor, turn.me.district_id, year)
    elif verb == "pay":
        lowered = [w.lower() for w in rest]
        batch = rest[lowered.index("batch") + 1] if "batch" in lowered[:-1] else ""
        if not batch:
            raise InvalidInput(field="batch", hint="batch_in_chat")
        moved = await turn.use.ledger.pay_stipends(
            turn.me.actor, turn.me.district_id, year, batch
        )
    await turn.answer("ledger.j2", "stipends_moved", moved=moved, read_as=read_as)


async def _recovered(turn: Turn, rest: list[str]) -> None:
    """``stipends recovered ENTRY [REF]``: HR got back a revoked award's paid stipend; REF,
    HR's reference for the recovery, is optional."""
    typed = (rest[0] if rest else "").lstrip("#")
    if not typed.isdigit():
        raise InvalidInput(field="stipends", hint="recovered_usage")
    ref = " ".join(rest[1:])
    done = await turn.use.ledger.recovered(turn.me.actor, turn.me.district_id, int(typed), ref)
    budget = await turn.use.ledger.budget(turn.me.district_id)
    await turn.answer("ledger.j2", "recovered", done=done, entry=int(typed), b=budget)


async def my_record(turn: Turn, args: str) -> None:
    # "my" is an alias: "my credentials" / "my badges" mean the badges, not the record file,
    # and so do their typos ("my credentails" ran the record in a trial), as the engine
    # forgives a command's typo: a close match, with difflib.
    said = (args.split() or [""])[0].lower()
    if said.startswith(BADGE_WORDS) or difflib.get_close_matches(said, BADGE_WORDS, 1, 0.75):
        await my_credentials(turn, "")
        return
    made = await turn.use.ledger_files.my_record(turn.me.person_id, turn.me.timezone)
    await turn.answer(
        "ledger.j2", "my_record", count=made.credentials, revoked=made.revoked, url=made.url
    )
