"""Signed credentials in chat: a teacher's own (``badges``), and an admin revoking one.

Revoking asks first: ``revoke LINK REASON`` shows what would be revoked, from whom and why,
with a yes and a no; only the yes changes anything. ``revoke LINK`` alone asks for the reason
(a one-field form: in the terminal the next line typed), then asks the same question; so
does a reason of a word or two ("clear"), saying why. The question shows, before the yes,
what the revocation would undo (a dry run of it): a stipend already paid, the stacks and
pathways that would stop holding, with their salary step or stipend and any committee
request still open. The service refuses a credential of another district as if it did not
exist. ``revoke EMAIL`` (or the teacher's full name) lists her credentials still standing,
each with a numbered button that starts the same revocation; past the buttons, the rest are
listed by title and code, and ``revoke EMAIL CODE`` (or its title, or the start of either)
starts it as its button would.
"""

from __future__ import annotations

from coachbot.conversation.authorization import OWN, for_roles
from coachbot.conversation.registry import Action, Registry
from coachbot.conversation.turn import Turn
from coachbot.conversation.vocabulary import FieldKind, Form, FormField
from coachbot.domain.credentials import reason_is_real
from coachbot.domain.errors import InvalidInput, NotFound
from coachbot.domain.roles import Role
from coachbot.services.awards.undoing import undid_in
from coachbot.services.credentials.revocable import one_matching
from coachbot.services.credentials.revoking import public_id_of

REVOKE = Action("revoke_credential")
KEEP = Action("keep_credential")
PICK = Action("revoke_pick")  # one of a teacher's credentials, listed by ``revoke EMAIL``
REASON_FORM = "revoke_reason"
REASON_LIMIT = 500  # the reason rides in the button's value; platforms cap its length
PICK_LIMIT = 10  # buttons under one message; a teacher rarely holds more


def register(r: Registry) -> None:
    # "credentials" already browses the catalog; what one holds is one's badges.
    r.command("badges", Role.TEACHER, rule=OWN, aliases=("earned",))(my_credentials)
    r.command("badge", Role.TEACHER, rule=OWN)(badge)
    r.command("revoke", Role.DISTRICT_ADMIN, rule=OWN)(revoke)
    r.action(REVOKE, rule=for_roles(Role.DISTRICT_ADMIN))(revoke_confirmed)
    r.action(KEEP, rule=for_roles(Role.DISTRICT_ADMIN))(keep)
    r.action(PICK, rule=for_roles(Role.DISTRICT_ADMIN))(picked)
    r.form(REASON_FORM, rule=for_roles(Role.DISTRICT_ADMIN))(reason_given)


async def my_credentials(turn: Turn, args: str) -> None:
    held = await turn.use.credentials.held_by(turn.me.actor)
    await turn.answer(
        "credentials.j2", "my_credentials", held=held, now=turn.clock.now(),
        tz=turn.me.timezone,
    )  # fmt: skip


async def badge(turn: Turn, args: str) -> None:
    """``badge N``: the badge image (the credential baked in), the file and how to use them,
    for the speaker's own Nth credential as ``badges`` numbers them."""
    held = await turn.use.credentials.held_by(turn.me.actor)
    word = args.strip().lstrip("#")
    if not word.isdigit() or not 1 <= int(word) <= len(held):
        await turn.answer("credentials.j2", "badge_which", count=len(held))
        return
    await turn.answer(
        "credentials.j2", "badge", c=held[int(word) - 1], now=turn.clock.now(),
        tz=turn.me.timezone,
    )  # fmt: skip


async def revoke(turn: Turn, args: str) -> None:
    link, _, reason = args.strip().partition(" ")
    reason = " ".join(reason.split())[:REASON_LIMIT]
    if not link:
        raise InvalidInput(field="revoke", hint="revoke_usage")
    try:
        public_id = public_id_of(link)
    except InvalidInput:
        if "@" in link:  # a teacher's email: her credentials to pick from, or the one named
            await teachers_credentials(turn, link, naming=reason)
            return
        try:  # a teacher's full name, if only one person of the district has it
            await teachers_credentials(turn, args)
            return
        except NotFound:
            raise InvalidInput(field="revoke", hint="revoke_link", value=link[:80]) from None
    about = await turn.use.credentials.about(turn.me.actor, public_id)
    if about.revoked_at is not None:
        await turn.answer("credentials.j2", "revoke_already", c=about, tz=turn.me.timezone)
        return
    if not reason_is_real(reason):  # known and revocable: ask why, before anything else
        # "clear", "x": the teacher and HR read it, so real words are asked for, in the form's
        # own hint (a separate message said it too: the terminal showed the question twice).
        hint = (
            turn.say.words(
                "credentials.j2", "revoke_reason_thin", reason=reason, teacher=about.teacher
            )
            if reason
            else turn.say.label("hint_revoke_reason", teacher=about.teacher)
        )
        await turn.open_form(
            Form(
                REASON_FORM,
                turn.say.label("form_revoke", name=about.name, teacher=about.teacher),
                (
                    FormField(
                        "reason",
                        turn.say.label("field_revoke_reason"),
                        FieldKind.SHORT_TEXT,  # one line: the next one typed, in the terminal
                        hint=hint,
                    ),
                ),
                turn.say.label("revoke_next"),
                context=public_id,
            )
        )
        return
    buttons = [
        turn.say.button("revoke_yes", REVOKE, f"{public_id}|{reason}", means="yes"),
        turn.say.button("revoke_no", KEEP, public_id, primary=True, means="no"),
    ]
    await turn.reply(
        turn.say.reply(
            "credentials.j2",
            "revoke_ask",
            c=about,
            reason=reason,
            buttons=buttons,
            undoes=await turn.use.revoke_previews.of(turn.me.actor, public_id),
            tz=turn.me.timezone,
        )
    )


async def teachers_credentials(turn: Turn, who: str, naming: str = "") -> None:
    """``revoke EMAIL`` (or a full name): the teacher's credentials still standing, each with
    a numbered button that starts the revocation as ``revoke LINK`` does (asking the reason).
    ``naming`` (``revoke EMAIL CODE``) starts the one it names at once: the only way to one past
    the buttons. A teacher of another district is an unknown person (``NotFound``)."""
    teacher, email, held = await turn.use.credentials.revocable_of(turn.me.actor, who)
    named = one_matching(held, naming)
    if named is not None:
        await revoke(turn, named.public_id)
        return
    buttons = [
        turn.say.button("revoke_pick", PICK, c.public_id, n=n, name=c.name)
        for n, c in enumerate(held[:PICK_LIMIT], start=1)
    ]
    await turn.reply(
        turn.say.reply(
            "credentials.j2",
            "revoke_pick",
            teacher=teacher,
            held=held[:PICK_LIMIT],
            more=held[PICK_LIMIT:],
            email=email,
            unmatched=naming,  # named, but none or several of hers fit: the list says so
            buttons=buttons,
            tz=turn.me.timezone,
        )
    )


async def picked(turn: Turn, value: str) -> None:
    """A credential picked from ``revoke EMAIL``: the reason is asked for, then the question."""
    await revoke(turn, value)


async def reason_given(turn: Turn, values: dict[str, str], context: str) -> None:
    """The reason asked for by ``revoke LINK``: now the same question as with it typed."""
    await revoke(turn, f"{context} {values.get('reason', '')}")


async def revoke_confirmed(turn: Turn, value: str) -> None:
    public_id, _, reason = value.partition("|")
    if not reason.strip():
        raise InvalidInput(field="revoke", hint="revoke_usage")
    about = await turn.use.credentials.about(turn.me.actor, public_id_of(public_id))
    if about.revoked_at is not None:  # pressed twice, or revoked meanwhile
        await turn.answer("credentials.j2", "revoke_already", c=about, tz=turn.me.timezone)
        return
    row, results = await turn.use.credentials.revoke_telling(
        about.public_id, reason.strip(), by=turn.me.actor
    )
    # Money payroll already paid cannot be reversed by a ledger entry alone: say so now.
    assert row.revoked_at is not None
    to_recover = await turn.use.ledger.to_recover(row.award_id, row.revoked_at)
    await turn.answer(
        "credentials.j2", "revoke_done", name=about.name, teacher=about.teacher,
        when=row.revoked_at, reason=row.revoked_reason, tz=turn.me.timezone,
        to_recover=to_recover, undid=undid_in(results),
    )  # fmt: skip
    # Held for the teacher's quiet hours or a school break: the admin hears when it goes.
    held = await turn.use.outbox.held_until(f"revoked:{about.public_id}")
    if held is not None:
        await turn.answer("deliveries.j2", "held_news", teacher=about.teacher, when=held,
                          tz=turn.me.timezone)  # fmt: skip
    turn.queued_news()  # the teacher's news was written with the revocation


async def keep(turn: Turn, value: str) -> None:
    await turn.answer("credentials.j2", "revoke_kept")
