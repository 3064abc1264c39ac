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
from coachbot.services.basket import BasketService
from coachbot.services.bundle import CoachBot
from coachbot.services.calendar_loader import CalendarLoader
from coachbot.services.calibration_admin import CalibrationService
from coachbot.services.catalog_loader import CatalogLoader
from coachbot.services.choosing import ChoosingService
from coachbot.services.cohorts import CohortService
from coachbot.services.evidence import EvidenceService
from coachbot.services.evidence_access import EvidenceAccess
from coachbot.services.journey import JourneyService
from coachbot.services.nudging.dispatch import Dispatcher
from coachbot.services.nudging.sweep import Sweep
from coachbot.services.person_settings import PersonSettingsService
from coachbot.services.planning import PlanningService
from coachbot.services.policy_admin import PolicyAdmin
from coachbot.services.reviewing import ReviewService
from coachbot.services.roster_loader import RosterLoader
from coachbot.services.status import StatusService
from coachbot.services.views import Views
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
    )


def build_conversation(bot: CoachBot, notifier: Notifier) -> Conversation:
    """The conversation every adapter talks to, with every handler registered.

    A turn that queues news in the outbox (a review's feedback) is followed by a dispatch pass
    through the same notifier, so the teacher hears at once; quiet hours still hold.
    """
    sender = NudgeSender(Say(bot.prompts), notifier)
    dispatcher = Dispatcher(bot.db, bot.clock, sender, worker=f"turns-{uuid.uuid4().hex[:8]}")
    return Conversation(bot, notifier, build_registry(), kick=lambda: dispatcher.run_once(limit=50))


@dataclass(frozen=True)
class Nudging:
    sweep: Sweep
    dispatcher: Dispatcher


def build_nudging(bot: CoachBot, notifier: Notifier, *, worker: str = "main") -> Nudging:
    """The sweep and a dispatcher that delivers through ``notifier`` (the platform adapter)."""
    sender = NudgeSender(Say(bot.prompts), notifier)
    return Nudging(Sweep(bot.db, bot.clock), Dispatcher(bot.db, bot.clock, sender, worker=worker))
