"""The demo semester's acts: what the admin, teachers, principals and reviewers do, and which
act each one schedules next.

Every act is a real chat turn through the core and the local driver; an act schedules the acts
that follow from its answer (a draft reviewed leads to a submission, a "not yet" to a
resubmission), so the semester unfolds as the district's rules and the seed say, not as a
fixed list of lines.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, time, timedelta

from adapters.local.demo_cast import Cast
from adapters.local.demo_reviews import OpenReview, open_reviews
from adapters.local.demo_transcript import BOT, Transcript
from adapters.local.driver import LocalDriver, LocalPerson
from adapters.local.semester import (
    ALIGNMENT,
    COHORT_NAME,
    FEEDBACK,
    PEER_COMMENT,
    PEER_WORKS,
    STRENGTHS,
    Script,
    Teacher,
    evidence_steps,
    first_try_steps,
    peer_asks,
    still_open,
)
from coachbot.clock import VirtualClock
from coachbot.composition import Services, build_nudging
from coachbot.domain.nudges import NudgeKind
from coachbot.importing.catalog_reader import CatalogSpec
from coachbot.importing.roster_reader import RosterRow
from coachbot.storage.evidence_files import digest

START = datetime(2026, 9, 8, 13, 0, tzinfo=UTC)  # Tuesday 8:00 in Chicago
TICKS = ((7, 35), (12, 5), (19, 30))  # local times the scheduler ticks in the demo
FILE_LINK = re.compile(r"open it: (\S+/evidence/(\S+))")


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
        self.feedback_read = False  # a teacher reads their feedback with `feedback` once
        self.driver = LocalDriver(services)
        # One person after another: the same seed replays the same transcript, line for line.
        self.nudging = build_nudging(services, self.driver, side_by_side=1)
        self.script = Script(spec.timezone, self.rng)
        self.cast = Cast(self.driver, spec, rows, self.rng)
        self.transcript = Transcript(
            services.prompts, self.driver, self.cast.names, spec.policy.announcement_channel
        )
        self.file_opened = False  # the first reviewer to see a file opens it, once
        self.planned: set[int] = set()  # reviews someone will act on (or, one, let slip)
        # One formal review gets buried under a reviewer's other work: the district's rule
        # moves it to a colleague after its due date, and the colleague decides it.
        self.slipped: int | None = None

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
            self.plan_review(review)
        return ""

    # -- the admin, teachers and principals ---------------------------------------------------
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
            self.plan_review(review, may_slip=len(routed) == 1)
        # The next school day at 11:30, drawing nothing from the semester's random choices, so
        # the rest of a seed's semester plays as it did before colleagues commented.
        tomorrow = self.clock.now().astimezone(self.script.zone).date() + timedelta(days=1)
        for email, review_id in await peer_asks(self.services, t.person.email):
            peer = self.driver.as_(email)
            self.script.at(
                self.script.school_time(tomorrow, 11, 30),
                self.cast.name(peer),
                "peer_comment",
                lambda peer=peer, review=review_id: self.peer_comment(peer, review),
            )
        return reply

    # -- the reviewers ------------------------------------------------------------------------
    async def peer_comment(self, peer: LocalPerson, review_id: int) -> str:
        """A colleague asked for their view on a draft comments: words only, no scores."""
        if not await still_open(self.services, review_id):
            return await peer.command("queue")  # a newer draft replaced the one they saw
        await peer.command("queue")
        await peer.press_value("open_review", str(review_id))
        await peer.press("score")  # labelled "Comment" for a colleague
        return await peer.submit({"strengths": PEER_WORKS, "feedback": PEER_COMMENT})

    def plan_review(self, review: OpenReview, *, may_slip: bool = False) -> None:
        """The reviewer opens it from their queue within a few school days (but for the one
        review that slips, which the routing moves on after its due date)."""
        t = self.cast.by_email.get(review.teacher_email)
        if review.id in self.planned or t is None:
            return
        self.planned.add(review.id)
        if may_slip and self.slipped is None and review.purpose == "official":
            self.slipped = review.id
            return
        reviewer = self.driver.as_(review.reviewer_email)
        self.script.at(
            self.script.later(self.clock.now(), self.rng.choice((1, 2, 3))),
            self.cast.name(reviewer),
            "review",
            lambda: self.review(reviewer, t, review.id, draft=review.purpose == "feedback"),
        )

    async def review(
        self, reviewer: LocalPerson, t: Teacher, review_id: int, *, draft: bool
    ) -> str:
        if not await still_open(self.services, review_id):
            return await reviewer.command("queue")  # recalled, or moved on meanwhile
        await reviewer.command("queue")
        evidence = await reviewer.press("open_review", labelled=t.name)
        if not self.file_opened and (link := FILE_LINK.search(evidence)):
            await self.open_file(reviewer, link.group(1), link.group(2))
        await reviewer.press("score")
        criteria = [c.name for c in t.credential.rubric.criteria]
        ready = draft is False and (t.persona != "revises" or t.attempts > 2)
        scores = {
            f"score:{c}": ("Proficient" if ready or i else "Developing")
            for i, c in enumerate(criteria)
        }
        values = scores | {"strengths": STRENGTHS, "feedback": "" if ready else FEEDBACK}
        if not draft:
            values["decision"] = "earned" if ready else "not_yet"
        told = await self.feedback_queued(t)
        reply = await reviewer.submit(values)
        if await self.feedback_queued(t) == told:
            return reply  # double-scored: the teacher hears once the other review is in too
        if draft:
            self.script.at(
                self.script.later(self.clock.now(), self.rng.choice((4, 6, 8))),
                t.name,
                "submit",
                lambda: self.hand_in(t, draft=False),
            )
        elif not ready:
            if not self.feedback_read:  # once: a teacher reads it all again before revising
                self.feedback_read = True
                self.script.at(
                    self.clock.now() + timedelta(hours=2),
                    t.name,
                    "feedback",
                    lambda: t.person.command("feedback", t.credential.code),
                )
            self.script.at(
                self.script.later(self.clock.now(), self.rng.choice((5, 7, 9))),
                t.name,
                "resubmit",
                lambda: self.hand_in(t, draft=False),
            )
        return reply

    async def feedback_queued(self, t: Teacher) -> int:
        """How many feedback messages the teacher has been written, sent yet or not: a review
        given in their evening is news held for their morning, not a review still waiting."""
        lines = await self.services.outbox.lines(email=t.person.email, limit=10_000)
        return sum(line.kind == NudgeKind.FEEDBACK_READY for line in lines)

    async def open_file(self, reviewer: LocalPerson, link: str, token: str) -> None:
        """The reviewer clicks the file's link: the same check the file listener makes on
        every request (the link's signature and expiry, then the evidence rules), and audited."""
        opened = await self.services.evidence_files.open(token)
        content = await opened.read()
        self.file_opened = True
        self.transcript.after_act(
            "file_opened",
            who=self.cast.name(reviewer),
            name=opened.file.name,
            size=len(content),
            same=digest(content) == opened.file.sha256,
            link=link[: link.index("/evidence/") + 10] + token[:12] + "...",
        )
