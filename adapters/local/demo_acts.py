"""The demo semester's acts: what the admin, teachers and principals do, and which act each
one schedules next; the reviewers' acts are in ``demo_reviewer_acts``.

Every act is a real chat turn through the core and the local driver; an act schedules the acts
that follow from its answer (a draft reviewed leads to a submission, a "not yet" to a
resubmission), so the semester unfolds as the district's rules and the seed say, not as a
fixed list of lines.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from adapters.local.demo_cast import Cast
from adapters.local.demo_reviewer_acts import Reviewers
from adapters.local.demo_reviews import open_reviews
from adapters.local.demo_transcript import BOT, Transcript
from adapters.local.driver import LocalDriver, LocalPerson
from adapters.local.semester import (
    ALIGNMENT,
    COHORT_NAME,
    Script,
    Teacher,
    evidence_steps,
    first_try_steps,
    peer_asks,
)
from coachbot.clock import VirtualClock
from coachbot.composition import Services, build_nudging
from coachbot.importing.catalog_reader import CatalogSpec
from coachbot.importing.roster_reader import RosterRow

START = datetime(2026, 9, 8, 13, 0, tzinfo=UTC)  # Tuesday 8:00 in Chicago
TICKS = ((7, 35), (12, 5), (19, 30))  # local times the scheduler ticks in the demo


class Demo:
    def __init__(
        self,
        services: Services,
        clock: VirtualClock,
        spec: CatalogSpec,
        rows: list[RosterRow],
        seed: int,
        weeks: int,
    ) -> None:
        self.services, self.clock, self.spec, self.weeks = services, clock, spec, weeks
        self.rng = random.Random(seed)
        self.driver = LocalDriver(services)
        # One person after another: the same seed replays the same transcript, line for line.
        self.nudging = build_nudging(services, self.driver, side_by_side=1)
        self.script = Script(spec.timezone, self.rng)
        self.cast = Cast(self.driver, spec, rows, self.rng)
        self.transcript = Transcript(
            services.prompts, self.driver, self.cast.names, spec.policy.announcement_channel
        )
        self.reviewers = Reviewers(
            services, clock, self.script, self.rng, self.driver, self.cast, self.transcript,
            submit=lambda t: self.hand_in(t, draft=False),
        )  # fmt: skip

    def plan_semester(self) -> None:
        s, cast = self.script, self.cast
        first_day = START.date()
        s.at(
            s.school_time(first_day, 7, 45), cast.name(cast.admin), "cohort_new", self.create_cohort
        )
        for offset in range(self.weeks * 7 + 1):
            day = first_day + timedelta(days=offset)
            for hour, minute in TICKS:  # the scheduler's ticks; the evening one finds it quiet
                when = datetime.combine(day, time(hour, minute), s.zone).astimezone(UTC)
                s.at(when, BOT, "nudges", self.tick)
        for i, teacher in enumerate(cast.teachers):
            week = 4 if teacher.persona == "late" else self.rng.choice((0, 0, 1))
            day = first_day.fromordinal(first_day.toordinal() + 1 + week * 7 + i % 3)
            s.at(
                s.school_time(day, self.rng.choice((8, 9, 14, 15)), 15 * (i % 4)),
                teacher.name,
                f"onboard:{teacher.credential.code}",
                lambda t=teacher: self.onboard(t),
            )

    async def tick(self) -> str:
        """What `coachbot run`'s scheduler does on each tick: sweep, then dispatch."""
        await self.nudging.sweep.run()
        await self.nudging.dispatcher.run_once(limit=500)
        for review in await open_reviews(self.services):  # e.g. moved to them after its due date
            self.reviewers.plan_review(review)
        return ""

    async def create_cohort(self) -> str:
        admin = self.cast.admin
        await admin.command("cohort", "new")
        reply = await admin.submit(
            {
                "name": COHORT_NAME,
                "starts": "2026-09-08",
                "ends": "2027-01-29",
                "window_opens": "2026-09-08",
                "window_closes": "2027-01-22",
            }
        )
        emails = ", ".join(t.person.email for t in self.cast.teachers)
        await admin.command("cohort", f"add {COHORT_NAME}: {emails}")
        staff = ", ".join(f.email for f in self.cast.facilitators)
        await admin.command("cohort", f"facilitator {COHORT_NAME}: {staff}")
        return reply

    async def onboard(self, t: Teacher) -> str:
        await t.person.command("start")
        await t.person.submit({"open_to_questions": self.rng.choice(("yes", "no"))})
        await t.person.command("show", t.credential.code)
        reply = await t.person.press("choose")
        if t.credential.code in self.spec.policy.preapproval_credentials:
            self.script.at(
                self.script.later(self.clock.now(), 0, 15),
                t.name,
                "ask_approval",
                lambda: self.ask_approval(t),
            )
            return reply
        self.script.at(
            self.script.later(self.clock.now(), 1), t.name, "use_plan", lambda: self.use_plan(t)
        )
        return reply

    async def ask_approval(self, t: Teacher) -> str:
        await t.person.press("request_approval")
        reply = await t.person.submit({"alignment": ALIGNMENT})
        principal = self.cast.principal_of(t)
        self.script.at(
            self.script.later(self.clock.now(), 1),
            self.cast.name(principal),
            "approve",
            lambda: self.approve(principal, t),
        )
        return reply

    async def approve(self, principal: LocalPerson, t: Teacher) -> str:
        await principal.command("approvals")
        reply = await principal.press("approve", labelled=t.name)
        self.script.at(
            self.script.later(self.clock.now(), 1),
            t.name,
            "plan_after_approval",
            lambda: self.plan_after_approval(t),
        )
        return reply

    async def plan_after_approval(self, t: Teacher) -> str:
        await t.person.press("plan_for")
        return await self.use_plan(t)

    async def use_plan(self, t: Teacher) -> str:
        reply = await t.person.press("use_plan")
        for week in (1, 2):
            self.script.at(
                self.script.later(self.clock.now(), 7 * week),
                t.name,
                "done",
                lambda: t.person.command("done"),
            )
        if t.persona != "stalls":
            days = self.rng.choice((17, 20, 24))
            if t.persona == "revises":  # in a hurry the first time: the pre-check holds it back
                self.script.at(
                    self.script.later(self.clock.now(), days - 2),
                    t.name,
                    "first_try",
                    lambda: self.first_try(t),
                )
            self.script.at(
                self.script.later(self.clock.now(), days),
                t.name,
                "send_draft",
                lambda: self.hand_in(t, draft=True),
            )
        return reply

    async def first_try(self, t: Teacher) -> str:
        for step in first_try_steps(t):
            await step()
        return await t.person.command("send")

    async def hand_in(self, t: Teacher, *, draft: bool) -> str:
        t.attempts += 1
        for _, step in evidence_steps(t, t.attempts):
            await step()
        reply = await t.person.command("send" if draft else "submit")
        # Whoever the routing chose, read from their queue: a notice handed in on a holiday
        # waits for the next school day, but the review is theirs already.
        routed = await open_reviews(self.services, t.person.email)
        for review in routed:
            self.reviewers.plan_review(review, may_slip=len(routed) == 1)
        # The next school day at 11:30, drawing nothing from the semester's random choices, so
        # the rest of a seed's semester plays as it did before colleagues commented.
        tomorrow = self.clock.now().astimezone(self.script.zone).date() + timedelta(days=1)
        for email, review_id in await peer_asks(self.services, t.person.email):
            peer = self.driver.as_(email)
            self.script.at(
                self.script.school_time(tomorrow, 11, 30),
                self.cast.name(peer),
                "peer_comment",
                lambda peer=peer, review=review_id: self.reviewers.peer_comment(peer, review),
            )
        return reply
