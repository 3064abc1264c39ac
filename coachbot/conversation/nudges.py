"""Nudges as messages: the words for each kind, with the buttons that act on it."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from coachbot.conversation.handlers.approvals import APPROVE, REQUEST_APPROVAL, SEND_BACK
from coachbot.conversation.handlers.catalog import CATALOG
from coachbot.conversation.handlers.district import PROGRESS
from coachbot.conversation.handlers.evidence import DRAFT, SELF_CHECK, SUBMIT_LAST
from coachbot.conversation.handlers.extra_tries import EXTRA_TRY
from coachbot.conversation.handlers.journey import HELP_ME, STATUS
from coachbot.conversation.handlers.nudging import SNOOZE_WEEK
from coachbot.conversation.handlers.planning import DONE, PLAN_FOR
from coachbot.conversation.handlers.reviews import OPEN_REVIEW, QUEUE
from coachbot.conversation.held import reply_from_json
from coachbot.conversation.say import Say
from coachbot.conversation.turn import Notifier
from coachbot.conversation.vocabulary import Block, Button, Reply
from coachbot.domain.journey import Move
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.planning import ticked_by_submitting
from coachbot.domain.reviews import Decision
from coachbot.services.nudging import DeliveryFailed, Outgoing

# The outbox key of the nudge being delivered, while its notifier runs: a platform that takes an
# idempotency key with a send (Discord's message nonce with enforce_nonce) passes it, so a send
# the dispatcher retries after a lost answer is posted once. At most 25 characters.
DELIVERING: ContextVar[str] = ContextVar("coachbot_delivering", default="")


def delivery_key() -> str:
    """The outbox key of the nudge being delivered now ("" outside a delivery)."""
    return DELIVERING.get()


class NudgeDelivery:
    """What the dispatcher calls to deliver one nudge through the platform's adapter.

    Values are what the sweep stored in the nudge's params (a pursuit or review id as text),
    in the forms ``coachbot.conversation.refs`` parses."""

    def __init__(self, say: Say, notifier: Notifier) -> None:
        self.say = say
        self.notifier = notifier

    def render(self, nudge: Outgoing) -> Reply:
        """The nudge's words; reminders due at once (``also``) follow in the same message."""
        if nudge.kind is NudgeKind.HELD_MESSAGE:  # kept exactly as it would have been shown
            return reply_from_json(dict(nudge.params["reply"]))
        params = {"tz": nudge.timezone, **nudge.params}  # due dates read in their own zone
        also: list[Block] = [
            self.say.text("nudges.j2", kind, **{"tz": nudge.timezone, **more})
            for kind, more in params.pop("also", [])
        ]
        return self.say.reply(
            "nudges.j2", nudge.kind.value, buttons=self._buttons(nudge), extra=also, **params
        )

    def _buttons(self, nudge: Outgoing) -> list[Button]:
        pursuit = str(nudge.params.get("pursuit_id", ""))
        if nudge.kind in (
            NudgeKind.REVIEW_DUE_SOON,
            NudgeKind.REVIEW_LATE,
            NudgeKind.REVIEW_ESCALATION,
            NudgeKind.REVIEW_ASSIGNED,
            NudgeKind.REVIEW_REASSIGNED,
            NudgeKind.CALIBRATION_REVIEW,
            NudgeKind.PEER_ASKED,
            NudgeKind.REVIEW_HANDED,
        ):
            return [
                self.say.button("open_review", OPEN_REVIEW, nudge.params["review_id"], primary=True)
            ]
        if nudge.kind in (NudgeKind.NOBODY_TO_REVIEW, NudgeKind.CREDENTIAL_REVOKED):
            # An admin's to act on, by policy or roster; a revocation was decided (the message
            # says whom to ask): nothing to press here, least of all "hand in a draft".
            return []
        if nudge.kind is NudgeKind.REVIEW_TAKEN:
            return [self.say.button("my_queue", QUEUE)]
        if nudge.kind is NudgeKind.TIME_TO_MEET:
            return [self.say.button("allow_extra_try", EXTRA_TRY, pursuit, primary=True)]
        if nudge.kind in (
            NudgeKind.REVIEWER_FOUND, NudgeKind.WINDOW_EXTENDED, NudgeKind.COMMITTEE_DECIDED
        ):  # news about her work, not a push to do it: where she stands, nothing to hand in
            return [self.say.button("next_step_status", STATUS)]
        if nudge.kind is NudgeKind.FEEDBACK_READY and "decision" in nudge.params:
            return self._next_step(nudge.params, pursuit)
        if nudge.kind is NudgeKind.WEEKLY_DIGEST:
            return [self.say.button("cohort_progress", PROGRESS)]
        if nudge.kind in (NudgeKind.APPROVAL_REQUESTED, NudgeKind.APPROVAL_DECIDED):
            return self._approval(nudge.kind, nudge.params)
        if nudge.kind is NudgeKind.APPROVAL_WAITING:
            return [
                self.say.button("approve", APPROVE, pursuit, primary=True),
                self.say.button("send_back", SEND_BACK, pursuit),
            ]
        if nudge.kind is NudgeKind.NO_PLAN:
            return [
                self.say.button("browse_catalog", CATALOG, primary=True),
                self.say.button("snooze_week", SNOOZE_WEEK),
            ]
        if nudge.kind.value.startswith("milestone"):
            # Submitting is done by submitting: that step opens the evidence, no "Done".
            submits = ticked_by_submitting(str(nudge.params.get("milestone", "")))
            return [
                self.say.button("see_evidence", DRAFT, pursuit, primary=True)
                if submits
                else self.say.button("mark_done_short", DONE, pursuit, primary=True),
                self.say.button("snooze_week", SNOOZE_WEEK),
                self.say.button("i_need_help", HELP_ME, pursuit),
            ]
        return [
            self.say.button("hand_in_draft", DRAFT, pursuit, primary=True),
            self.say.button("snooze_week", SNOOZE_WEEK),
            self.say.button("i_need_help", HELP_ME, pursuit),
        ]

    def _approval(self, kind: NudgeKind, params: dict[str, Any]) -> list[Button]:
        """Under a request: decide it here, on the request as it was asked (a press after it
        changed is answered as stale). Under the answer: plan, or ask again."""
        seen = f"{params['pursuit_id']}.{params['version']}"
        if kind is NudgeKind.APPROVAL_REQUESTED:
            teacher = params.get("teacher", "")
            return [
                self.say.button("approve_for", APPROVE, seen, primary=True, teacher=teacher),
                self.say.button("send_back_for", SEND_BACK, seen, teacher=teacher),
            ]
        if params.get("decision") == Move.APPROVE.value:
            return [self.say.button("make_plan", PLAN_FOR, params["pursuit_id"], primary=True)]
        return [self.say.button("ask_again", REQUEST_APPROVAL, seen, primary=True)]

    def _next_step(self, params: dict[str, object], pursuit: str) -> list[Button]:
        """The buttons under a review's merged message: what the teacher can do next."""
        decision = params["decision"]
        if decision == Decision.EARNED:
            return [self.say.button("next_step_catalog", CATALOG, primary=True)]
        if decision == Decision.NOT_YET and params.get("meeting"):
            return [self.say.button("ask_for_meeting", HELP_ME, pursuit, primary=True)]
        buttons = [self.say.button("revise_evidence", DRAFT, pursuit, primary=True)]
        if decision == Decision.FEEDBACK:
            buttons.append(self.say.button("submit_last", SUBMIT_LAST, pursuit))
        buttons.append(self.say.button("self_check", SELF_CHECK, pursuit))
        return buttons

    async def __call__(self, nudge: Outgoing) -> str:
        key = DELIVERING.set(f"n{nudge.id}")
        try:
            return await self._deliver(nudge)
        finally:
            DELIVERING.reset(key)

    async def _deliver(self, nudge: Outgoing) -> str:
        if nudge.kind is NudgeKind.AWARD_ANNOUNCEMENT:
            channel = str(nudge.params["channel"])
            reply = self.say.reply("nudges.j2", nudge.kind.value, **dict(nudge.params))
            await self.notifier.to_channel(int(nudge.params["district_id"]), channel, reply)
            return f"channel:{channel}:{nudge.id}"
        message_id = await self.notifier.to_person(nudge.person_id, self.render(nudge))
        if message_id is None:
            raise DeliveryFailed("no_message_id", permanent=False)
        return message_id
