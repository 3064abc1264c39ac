"""After a hand-in (from the basket or the form): route the evidence to a reviewer and tell
everyone concerned, or say honestly that it waits and when feedback can come."""

from __future__ import annotations

from coachbot.conversation.handlers.reviews import OPEN_REVIEW
from coachbot.conversation.refs import ReviewRef
from coachbot.conversation.turn import Turn


async def route_handed_in(turn: Turn, pursuit_id: int, kind: str, replayed: bool) -> None:
    summary = await turn.read.pursuit(pursuit_id)
    if replayed:
        await turn.answer("evidence.j2", "already_handed_in", title=summary.title, kind=kind)
        return
    routed = await turn.use.reviews.route(pursuit_id)
    if routed is None:
        wait = await turn.use.reviews.waiting(pursuit_id)
        expected = wait.expected_by if wait else None
        free_on = wait.next_try_at if wait and expected else None
        for admin in await turn.read.district_admins(turn.me.district_id):
            await turn.notify.to_person(
                admin,
                turn.say.reply(
                    "reviews.j2",
                    "nobody_to_review",
                    teacher=turn.me.name,
                    title=summary.title,
                    kind=kind,
                    free_on=free_on,
                ),
            )
        await turn.answer(
            "evidence.j2",
            "handed_in_waiting",
            title=summary.title,
            kind=kind,
            free_on=free_on,
            expected_by=expected,
        )
        return
    review_id, reviewer_id = routed
    turn.queued_news()  # a blind second reviewer, when calibration samples it, hears at once
    await turn.notify.to_person(
        reviewer_id,
        turn.say.reply(
            "reviews.j2",
            "assigned",
            teacher=turn.me.name,
            title=summary.title,
            kind=kind,
            buttons=[
                turn.say.button("open_review", OPEN_REVIEW, ReviewRef(review_id), primary=True)
            ],
        ),
    )
    reviewer = await turn.read.person_name(reviewer_id)
    peer = await _peer(turn, pursuit_id, summary.title) if kind == "draft" else None
    await turn.answer(
        "evidence.j2", "handed_in", title=summary.title, kind=kind, reviewer=reviewer, peer=peer
    )


async def _peer(turn: Turn, pursuit_id: int, title: str) -> str | None:
    """Where the district has peer review, a colleague from the same school also gets the draft."""
    paired = await turn.use.reviews.route_peer(pursuit_id)
    if paired is None:
        return None
    review_id, peer_id = paired
    await turn.notify.to_person(
        peer_id,
        turn.say.reply(
            "reviews.j2",
            "peer_assigned",
            teacher=turn.me.name,
            title=title,
            buttons=[
                turn.say.button("open_review", OPEN_REVIEW, ReviewRef(review_id), primary=True)
            ],
        ),
    )
    return await turn.read.person_name(peer_id)
