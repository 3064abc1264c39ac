"""The demo's transcript: plays the semester's script on the virtual clock and prints who saw
what, and when.

Kept apart from the acts themselves so that what the semester does and how it is shown can
change separately: the acts only act (through the real core and the local driver); this reads
back what each act sent to whom and prints it, so nothing is printed that did not happen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import typer

from adapters.local.driver import LocalDriver
from adapters.local.semester import FEEDBACK, Script
from coachbot.clock import VirtualClock
from coachbot.prompts import Prompts

BOT = "CoachBot"  # who the scheduler's ticks are by, in the script


class Transcript:
    def __init__(
        self, prompts: Prompts, driver: LocalDriver, names: dict[str, str], channel: str | None
    ) -> None:
        self.prompts, self.driver, self.names, self.channel = prompts, driver, names, channel
        self.after: list[tuple[str, dict[str, Any]]] = []  # lines printed after an act

    def say(self, message: str, **params: object) -> None:
        typer.echo(self.prompts.render("demo.j2", message, p=params))

    def after_act(self, message: str, **params: object) -> None:
        """A line about something the act did, printed after what it was sent."""
        self.after.append((message, params))

    async def play(self, script: Script, clock: VirtualClock, until: datetime) -> None:
        seen = dict.fromkeys(self.names, 0)
        channel_seen = 0
        while (act := script.next()) is not None and act.when <= until:
            if act.when > clock.now():
                clock.set(act.when)
            answer = await act.step()
            received = []
            for email, mailbox in self.driver.mail.items():
                for reply in mailbox.replies[seen.get(email, 0) :]:
                    if email != self.email_of(act.who):
                        received.append((self.names.get(email, email), reply.summary))
                seen[email] = len(mailbox.replies)
            if act.who == BOT and not received:
                continue  # a quiet tick: nothing was due, or it is night or a weekend
            local = act.when.astimezone(script.zone)
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
            posts = self.driver.channels.get(self.channel or "", [])
            for post in posts[channel_seen:]:
                self.say("announced", channel=self.channel, summary=post.text.splitlines()[0])
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
