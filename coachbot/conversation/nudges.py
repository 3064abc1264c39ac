"""Nudges as messages: the words for each kind, with the buttons that act on it."""

from __future__ import annotations

from coachbot.conversation.say import Say
from coachbot.conversation.turn import Notifier
from coachbot.conversation.vocabulary import Button, Reply
from coachbot.domain.nudges import NudgeKind
from coachbot.services.nudging.dispatch import DeliveryFailed, Outgoing

TEACHER_BUTTONS = ("done", "snooze_week", "help_me", "draft")


class NudgeSender:
    """What the dispatcher calls to deliver one nudge through the platform's adapter."""

    def __init__(self, say: Say, notifier: Notifier) -> None:
        self.say = say
        self.notifier = notifier

    def render(self, nudge: Outgoing) -> Reply:
        params = dict(nudge.params)
        return self.say.reply("nudges.j2", nudge.kind.value, buttons=self._buttons(nudge),
                              **params)

    def _buttons(self, nudge: Outgoing) -> list[Button]:
        pursuit = str(nudge.params.get("pursuit_id", ""))
        if nudge.kind in (NudgeKind.REVIEW_DUE_SOON, NudgeKind.REVIEW_LATE,
                          NudgeKind.REVIEW_ESCALATION, NudgeKind.REVIEW_ASSIGNED,
                          NudgeKind.REVIEW_REASSIGNED, NudgeKind.CALIBRATION_REVIEW):
            return [self.say.button("open_review", "open_review",
                                    str(nudge.params["review_id"]), primary=True)]
        if nudge.kind is NudgeKind.REVIEW_TAKEN:
            return [self.say.button("my_queue", "queue")]
        if nudge.kind is NudgeKind.TIME_TO_MEET:
            return [self.say.button("allow_extra_try", "extra_try", pursuit, primary=True)]
        if nudge.kind is NudgeKind.REVIEWER_FOUND:
            return [self.say.button("next_step_status", "status")]
        if nudge.kind is NudgeKind.FEEDBACK_READY and "decision" in nudge.params:
            return self._next_step(nudge.params, pursuit)
        if nudge.kind is NudgeKind.WEEKLY_DIGEST:
            return [self.say.button("cohort_progress", "progress")]
        if nudge.kind is NudgeKind.APPROVAL_WAITING:
            return [self.say.button("approve", "approve", pursuit, primary=True),
                    self.say.button("send_back", "send_back", pursuit)]
        if nudge.kind is NudgeKind.NO_PLAN:
            return [self.say.button("browse_catalog", "catalog", primary=True),
                    self.say.button("snooze_week", "snooze_week")]
        if nudge.kind.value.startswith("milestone"):
            return [self.say.button("mark_done_short", "done", pursuit, primary=True),
                    self.say.button("snooze_week", "snooze_week"),
                    self.say.button("i_need_help", "help_me", pursuit)]
        return [self.say.button("hand_in_draft", "draft", pursuit, primary=True),
                self.say.button("snooze_week", "snooze_week"),
                self.say.button("i_need_help", "help_me", pursuit)]

    def _next_step(self, params: dict[str, object], pursuit: str) -> list[Button]:
        """The buttons under a review's merged message: what the teacher can do next."""
        decision = params["decision"]
        if decision == "earned":
            return [self.say.button("next_step_catalog", "catalog", primary=True)]
        if decision == "not_yet" and params.get("meeting"):
            return [self.say.button("ask_for_meeting", "help_me", pursuit, primary=True)]
        buttons = [self.say.button("revise_evidence", "draft", pursuit, primary=True)]
        if decision == "feedback":
            buttons.append(self.say.button("submit_last", "submit_last", pursuit))
        buttons.append(self.say.button("self_check", "self_check", pursuit))
        return buttons

    async def __call__(self, nudge: Outgoing) -> str:
        message_id = await self.notifier.to_person(nudge.person_id, self.render(nudge))
        if message_id is None:
            raise DeliveryFailed("no_message_id", permanent=False)
        return message_id
