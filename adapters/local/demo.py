"""``coachbot demo``: the example district plays a semester on a virtual clock.

Everything happens through the real core and the local adapter: the admin creates a cohort in
chat, teachers onboard, choose, plan, hand in drafts and submissions, facilitators review, some
teachers hear "not yet" and resubmit, earners are announced in the district channel. The
transcript shows who saw what, and when; a progress table closes it.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import typer

from adapters.local.demo_ledger import what_earning_brings
from adapters.local.demo_reviews import OpenReview, longest_wait, open_reviews
from adapters.local.driver import LocalDriver, LocalPerson
from adapters.local.semester import (
    ALIGNMENT,
    COHORT_NAME,
    FEEDBACK,
    PEER_COMMENT,
    PEER_WORKS,
    PERSONAS,
    STRENGTHS,
    Script,
    Teacher,
    evidence_steps,
    first_try_steps,
    peer_asks,
    peer_figures,
    still_open,
)
from coachbot.cli.demo_clock import DEMO_CLOCK, save_demo_clock
from coachbot.clock import Clock, SystemClock, VirtualClock
from coachbot.composition import Services, build, build_nudging
from coachbot.domain.nudges import NudgeKind
from coachbot.domain.roles import Role
from coachbot.importing.calendar_reader import read_calendar
from coachbot.importing.catalog_reader import CatalogSpec, read_catalog
from coachbot.importing.roster_reader import RosterRow, read_roster
from coachbot.logs import configure_logging
from coachbot.settings import REPO_ROOT, Settings
from coachbot.storage.evidence_files import digest
from coachbot.storage.schema import upgrade

EXAMPLE = REPO_ROOT / "examples" / "lakeview"
START = datetime(2026, 9, 8, 13, 0, tzinfo=UTC)  # Tuesday 8:00 in Chicago
BOT = "CoachBot"
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
        self.names = {r.email: r.name for r in rows}
        admins = [r for r in rows if Role.DISTRICT_ADMIN in r.roles]
        facilitators = [r for r in rows if Role.FACILITATOR in r.roles]
        teachers = [r for r in rows if r.roles == (Role.TEACHER,)]
        self.admin = self.driver.as_(admins[0].email)
        self.facilitators = [self.driver.as_(r.email) for r in self.rng.sample(facilitators, 2)]
        chosen = self.rng.sample(teachers, len(PERSONAS))
        by_code = {c.code: c for c in spec.credentials}
        plain = [
            by_code[c]
            for s in spec.stacks
            for c in s.credential_codes
            if c not in spec.policy.preapproval_credentials
        ]
        needs_ok = [by_code[c] for c in spec.policy.preapproval_credentials]
        self.teachers = [
            Teacher(
                self.driver.as_(r.email),
                r.name,
                persona,
                self.rng.choice(needs_ok if persona == "approval" and needs_ok else plain),
            )
            for r, persona in zip(chosen, PERSONAS, strict=True)
        ]
        self.schools = {r.email: r.school_code for r in rows}
        self.principals = {
            r.school_code: self.driver.as_(r.email) for r in rows if Role.SCHOOL_ADMIN in r.roles
        }
        self.file_opened = False  # the first reviewer to see a file opens it, once
        self.by_email = {t.person.email.lower(): t for t in self.teachers}
        self.planned: set[int] = set()  # reviews someone will act on (or, one, let slip)
        # One formal review gets buried under a reviewer's other work: the district's rule
        # moves it to a colleague after its due date, and the colleague decides it.
        self.slipped: int | None = None
        self.after: list[tuple[str, dict[str, object]]] = []  # lines printed after an act

    def say(self, message: str, **params: object) -> None:
        typer.echo(self.services.prompts.render("demo.j2", message, p=params))

    # -- the script ---------------------------------------------------------------------------
    def plan_semester(self) -> None:
        s = self.script
        first_day = START.date()
        s.at(
            s.school_time(first_day, 7, 45), self.name(self.admin), "cohort_new", self.create_cohort
        )
        for offset in range(self.weeks * 7 + 1):
            day = first_day + timedelta(days=offset)
            for hour, minute in TICKS:  # the scheduler's ticks; the evening one finds it quiet
                when = datetime.combine(day, time(hour, minute), s.zone).astimezone(UTC)
                s.at(when, BOT, "nudges", self.tick)
        for i, teacher in enumerate(self.teachers):
            week = 4 if teacher.persona == "late" else self.rng.choice((0, 0, 1))
            day = first_day.fromordinal(first_day.toordinal() + 1 + week * 7 + i % 3)
            s.at(
                s.school_time(day, self.rng.choice((8, 9, 14, 15)), 15 * (i % 4)),
                teacher.name,
                f"onboard:{teacher.credential.code}",
                lambda t=teacher: self.onboard(t),
            )

    def name(self, person: LocalPerson) -> str:
        return self.names.get(person.email, person.email)

    async def create_cohort(self) -> str:
        await self.admin.command("cohort", "new")
        reply = await self.admin.submit(
            {
                "name": COHORT_NAME,
                "starts": "2026-09-08",
                "ends": "2027-01-29",
                "window_opens": "2026-09-08",
                "window_closes": "2027-01-22",
            }
        )
        emails = ", ".join(t.person.email for t in self.teachers)
        await self.admin.command("cohort", f"add {COHORT_NAME}: {emails}")
        staff = ", ".join(f.email for f in self.facilitators)
        await self.admin.command("cohort", f"facilitator {COHORT_NAME}: {staff}")
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
        principal = self.principals[self.schools[t.person.email] or ""]
        self.script.at(
            self.script.later(self.clock.now(), 1),
            self.name(principal),
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
                self.name(peer),
                "peer_comment",
                lambda peer=peer, review=review_id: self.peer_comment(peer, review),
            )
        return reply

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
        t = self.by_email.get(review.teacher_email)
        if review.id in self.planned or t is None:
            return
        self.planned.add(review.id)
        if may_slip and self.slipped is None and review.purpose == "official":
            self.slipped = review.id
            return
        reviewer = self.driver.as_(review.reviewer_email)
        self.script.at(
            self.script.later(self.clock.now(), self.rng.choice((1, 2, 3))),
            self.name(reviewer),
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
        self.after.append((
            "file_opened",
            {
                "who": self.name(reviewer),
                "name": opened.file.name,
                "size": len(content),
                "same": digest(content) == opened.file.sha256,
                "link": link[: link.index("/evidence/") + 10] + token[:12] + "...",
            },
        ))

    # -- playing ------------------------------------------------------------------------------
    async def tick(self) -> str:
        """What `coachbot run`'s scheduler does on each tick: sweep, then dispatch."""
        await self.nudging.sweep.run()
        await self.nudging.dispatcher.run_once(limit=500)
        for review in await open_reviews(self.services):  # e.g. moved to them after its due date
            self.plan_review(review)
        return ""

    async def play(self, until: datetime) -> None:
        seen = dict.fromkeys(self.names, 0)
        channel_seen = 0
        while (act := self.script.next()) is not None and act.when <= until:
            if act.when > self.clock.now():
                self.clock.set(act.when)
            answer = await act.step()
            received = []
            for email, mailbox in self.driver.mail.items():
                for reply in mailbox.replies[seen.get(email, 0) :]:
                    if email != self.email_of(act.who):
                        received.append((self.names.get(email, email), reply.summary))
                seen[email] = len(mailbox.replies)
            if act.who == BOT and not received:
                continue  # a quiet tick: nothing was due, or it is night or a weekend
            local = act.when.astimezone(self.script.zone)
            what, _, code = act.what.partition(":")
            self.say(
                "act",
                when=local.strftime("%a %b %d %H:%M"),
                who=act.who,
                what=what,
                code=code,
                answer=self.shown(what, answer),
            )
            for who, summary in received:
                self.say("received", who=who, summary=summary)
            for message, params in self.after:
                self.say(message, **params)
            self.after.clear()
            posts = self.driver.channels.get(self.spec.policy.announcement_channel or "", [])
            for post in posts[channel_seen:]:
                self.say(
                    "announced",
                    channel=self.spec.policy.announcement_channel,
                    summary=post.text.splitlines()[0],
                )
            channel_seen = len(posts)

    @staticmethod
    def shown(what: str, answer: str) -> str:
        """The first line of the answer; all of the pre-check's list, so its point is seen."""
        lines = [line for line in answer.strip().splitlines() if line.strip()]
        keep = 4 if what == "first_try" else 1
        if what == "feedback" and len(lines) > 3:  # whose round it was, and what to change
            changes = next((line for line in lines if FEEDBACK[:30] in line), "")
            lines = [lines[0], lines[2], changes]
            keep = 3
        return "\n                     ".join(lines[:keep])

    def email_of(self, name: str) -> str:
        return next((e for e, n in self.names.items() if n == name), "")


CREDENTIAL_FILE = "coachbot-demo-credential.json"  # beside the database; make demo verifies it


async def save_first_credential(demo: Demo, services: Services, settings: Settings) -> None:
    """The semester's first earner's signed credential, saved beside the database for
    ``coachbot credentials verify`` (``make demo`` ends by verifying it)."""
    issued = await services.credentials.issued()
    if not issued:
        return
    database = Path(settings.database_url.split(":///", 1)[1])
    path = database.with_name(CREDENTIAL_FILE)
    await asyncio.to_thread(path.write_text, json.dumps(issued[0], indent=2) + "\n")
    # Only the file's name: the same seed prints the same semester, wherever it is played.
    demo.say("credential_saved", count=len(issued), name=issued[0]["name"], file=path.name)


def run_demo(
    database: Path, *, seed: int = 7, weeks: int = 16, wall: Clock | None = None
) -> Demo:
    """Play the semester into a fresh SQLite file and print it; returns the played demo (its
    driver holds everything everyone was sent). ``wall``: the real today (the system's clock
    unless a test says otherwise), which the semester's fixed dates may be ahead of."""
    for suffix in ("", "-wal", "-shm", DEMO_CLOCK):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{database}", log_level="WARNING", _env_file=None
    )
    if settings.log_file is None:  # the screen is the transcript: logs go beside the database
        settings = settings.model_copy(update={"log_file": database.with_suffix(".log")})
    configure_logging(settings)
    return asyncio.run(play(settings, seed=seed, weeks=weeks, wall=wall or SystemClock()))


async def play(settings: Settings, *, seed: int, weeks: int, wall: Clock) -> Demo:
    clock = VirtualClock(START)
    services = build(settings, clock)
    try:
        await upgrade(services.db)
        spec = read_catalog(EXAMPLE / "catalog.yaml")
        await services.catalog.load(spec, source="catalog.yaml")
        rows = read_roster(EXAMPLE / "roster.csv", {s.code for s in spec.schools})
        await services.roster.load(spec.slug, rows, source="roster.csv")
        breaks = read_calendar(EXAMPLE / "calendar.csv")
        await services.calendar.load(spec.slug, breaks, source="calendar.csv")
        demo = Demo(services, clock, spec, rows, seed, weeks)
        demo.say(
            "opening",
            district=spec.name,
            people=len(rows),
            credentials=len(spec.credentials),
            teachers=len(demo.teachers),
            weeks=weeks,
            seed=seed,
        )
        demo.say("calendar", breaks=[(b.name, b.starts_on, b.ends_on) for b in breaks])
        demo.plan_semester()
        end = demo.script.school_time(date.fromordinal(START.date().toordinal() + weeks * 7), 16)
        await demo.play(until=end)
        demo.say("closing")
        typer.echo(await demo.admin.command("progress"))
        if (wait := await longest_wait(services, clock.now())) is not None:
            demo.say("longest_wait", **wait.__dict__)
        typer.echo(await demo.admin.command("calibration"))
        demo.say("peers", **await peer_figures(services))
        stalled = [t.name for t in demo.teachers if t.persona == "stalls"]
        demo.say("stalled", names=stalled)
        await save_first_credential(demo, services, settings)
        database = Path(settings.database_url.split(":///", 1)[1])
        await what_earning_brings(demo, database)  # ends with HR's export: its first lines
        # The semester is played on fixed dates, whatever today is: commands run on this
        # database afterwards go on from its end (see coachbot.cli.demo_clock).
        await asyncio.to_thread(save_demo_clock, database, clock.now(), wall.now())
        return demo
    finally:
        await services.aclose()
