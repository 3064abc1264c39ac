"""The composition root: the one place that builds and wires CoachBot's parts.

``CoachBot`` (the bundle of services) is defined in ``coachbot.services.bundle`` so that the
conversation layer can name it without importing this module.

Everything else receives what it needs as arguments; there are no module-level singletons.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from coachbot.clock import Clock, SystemClock
from coachbot.conversation.engine import Conversation
from coachbot.conversation.handlers import build_registry
from coachbot.conversation.nudges import NudgeSender
from coachbot.conversation.say import Say
from coachbot.conversation.turn import Notifier
from coachbot.prompts import Prompts
from coachbot.services.bundle import CoachBot
from coachbot.services.district.cohorts import CohortService
from coachbot.services.district.person_settings import PersonSettingsService
from coachbot.services.district.policy import PolicyAdmin
from coachbot.services.evidence.access import EvidenceAccess
from coachbot.services.evidence.basket import BasketService
from coachbot.services.evidence.hand_in import EvidenceService
from coachbot.services.journey.choosing import ChoosingService
from coachbot.services.journey.extra_tries import ExtraTries
from coachbot.services.journey.gate import JourneyService
from coachbot.services.journey.planning import PlanningService
from coachbot.services.loading.calendar import CalendarLoader
from coachbot.services.loading.catalog import CatalogLoader
from coachbot.services.loading.roster import RosterLoader
from coachbot.services.nudging.dispatch import Dispatcher, Sender
from coachbot.services.nudging.ratelimit import LimitedSender, RateLimiter
from coachbot.services.nudging.sweep import Sweep
from coachbot.services.reading.read_models import Views
from coachbot.services.reading.status import StatusService
from coachbot.services.reviews.calibration import CalibrationService
from coachbot.services.reviews.reviewing import ReviewService
from coachbot.settings import Settings

__all__ = ["CoachBot", "Nudging", "build", "build_conversation", "build_nudging"]
from coachbot.storage.database import Database


def build(settings: Settings, clock: Clock | None = None) -> CoachBot:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    clock = clock or SystemClock()
    db = Database(settings.database_url, echo=settings.db_echo)
    journey = JourneyService(db, clock)
    return CoachBot(
        settings=settings,
        clock=clock,
        db=db,
        prompts=Prompts(
            settings.prompts_dir, district=settings.district_prompts_dir, locale=settings.locale
        ),
        journey=journey,
        choosing=ChoosingService(db, clock),
        planning=PlanningService(db, clock),
        evidence=EvidenceService(db, clock, journey),
        reviews=ReviewService(db, clock, journey),
        cohorts=CohortService(db, clock),
        status=StatusService(db),
        catalog=CatalogLoader(db, clock),
        roster=RosterLoader(db, clock),
        basket=BasketService(db, clock),
        evidence_access=EvidenceAccess(db, clock),
        settings_of=PersonSettingsService(db, clock),
        views=Views(db),
        policy=PolicyAdmin(db, clock),
        calendar=CalendarLoader(db, clock),
        calibration=CalibrationService(db, clock),
        extra_tries=ExtraTries(db, clock),
    )


def build_conversation(
    bot: CoachBot, notifier: Notifier, *, dispatcher: Dispatcher | None = None
) -> Conversation:
    """The conversation every adapter talks to, with every handler registered.

    A turn that queues news in the outbox (a review's feedback) is followed by a dispatch pass,
    so the teacher hears at once; quiet hours still hold. A platform with rate limits passes its
    own ``dispatcher`` (from ``build_nudging`` with its limiter), so these sends share the
    platform's budget with the reminders; otherwise one is made that delivers through
    ``notifier``.
    """
    if dispatcher is None:
        sender = NudgeSender(Say(bot.prompts), notifier)
        dispatcher = Dispatcher(bot.db, bot.clock, sender, worker=f"turns-{uuid.uuid4().hex[:8]}")
    kick = dispatcher.run_once
    return Conversation(bot, notifier, build_registry(), kick=lambda: kick(limit=50))


@dataclass(frozen=True)
class Nudging:
    sweep: Sweep
    dispatcher: Dispatcher


def build_nudging(
    bot: CoachBot,
    notifier: Notifier,
    *,
    worker: str = "main",
    limiter: RateLimiter | None = None,
) -> Nudging:
    """The sweep and a dispatcher that delivers through ``notifier`` (the platform adapter).

    With a ``limiter`` (configured by the adapter with its platform's published limits), each
    delivery waits its turn per person (one direct conversation each) and for the whole
    workspace, and a platform's 429 holds that person's key for its Retry-After.
    """
    sender: Sender = NudgeSender(Say(bot.prompts), notifier)
    if limiter is not None:
        sender = LimitedSender(limiter, sender, lambda nudge: f"person:{nudge.person_id}")
    return Nudging(
        Sweep(bot.db, bot.clock, bot.reviews), Dispatcher(bot.db, bot.clock, sender, worker=worker)
    )
