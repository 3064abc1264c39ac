"""The demo semester's reviewers: facilitators score what is in their queue, colleagues comment
on drafts, and one formal review slips past its due date and moves on.

Apart from the teachers' acts (``demo_acts``) because reviewing has its own state (which
reviews someone will act on, the one that slips, the file opened once) and its own reasons;
the one thing it needs back from the teachers' side, handing in again after a review, it is
given as ``submit``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

from adapters.local.demo_cast import Cast
from adapters.local.demo_reviews import OpenReview
from adapters.local.demo_transcript import Transcript
from adapters.local.driver import LocalDriver, LocalPerson
from adapters.local.semester import (
    FEEDBACK,
    PEER_COMMENT,
    PEER_WORKS,
    STRENGTHS,
    Script,
    Teacher,
    still_open,
)
from coachbot.clock import VirtualClock
from coachbot.composition import Services
from coachbot.domain.nudges import NudgeKind
from coachbot.storage.evidence_files import digest

FILE_LINK = re.compile(r"open it: (\S+/evidence/(\S+))")


class Reviewers:
    def __init__(
        self,
        services: Services,
        clock: VirtualClock,
        script: Script,
        rng: random.Random,
        driver: LocalDriver,
        cast: Cast,
        transcript: Transcript,
        submit: Callable[[Teacher], Awaitable[str]],
    ) -> None:
        self.services, self.clock, self.script, self.rng = services, clock, script, rng
        self.driver, self.cast, self.transcript, self.submit = driver, cast, transcript, submit
        self.feedback_read = False  # a teacher reads their feedback with `feedback` once
        self.file_opened = False  # the first reviewer to see a file opens it, once
        self.planned: set[int] = set()  # reviews someone will act on (or, one, let slip)
        # One formal review gets buried under a reviewer's other work: the district's rule
        # moves it to a colleague after its due date, and the colleague decides it.
        self.slipped: int | None = None

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
                lambda: self.submit(t),
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
                lambda: self.submit(t),
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
