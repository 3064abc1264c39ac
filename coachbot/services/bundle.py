"""The bundle of CoachBot's services, as the composition root builds it."""

from __future__ import annotations

from dataclasses import dataclass

from coachbot.clock import Clock
from coachbot.prompts import Prompts
from coachbot.services.basket import BasketService
from coachbot.services.calendar_loader import CalendarLoader
from coachbot.services.calibration_admin import CalibrationService
from coachbot.services.catalog_loader import CatalogLoader
from coachbot.services.choosing import ChoosingService
from coachbot.services.cohorts import CohortService
from coachbot.services.evidence import EvidenceService
from coachbot.services.evidence_access import EvidenceAccess
from coachbot.services.extra_tries import ExtraTries
from coachbot.services.journey import JourneyService
from coachbot.services.person_settings import PersonSettingsService
from coachbot.services.planning import PlanningService
from coachbot.services.policy_admin import PolicyAdmin
from coachbot.services.reviewing import ReviewService
from coachbot.services.roster_loader import RosterLoader
from coachbot.services.status import StatusService
from coachbot.services.views import Views
from coachbot.settings import Settings
from coachbot.storage.database import Database


@dataclass
class CoachBot:
    settings: Settings
    clock: Clock
    db: Database
    prompts: Prompts
    journey: JourneyService
    choosing: ChoosingService
    planning: PlanningService
    evidence: EvidenceService
    reviews: ReviewService
    cohorts: CohortService
    status: StatusService
    catalog: CatalogLoader
    roster: RosterLoader
    basket: BasketService
    evidence_access: EvidenceAccess
    settings_of: PersonSettingsService
    views: Views
    policy: PolicyAdmin
    calendar: CalendarLoader
    calibration: CalibrationService
    extra_tries: ExtraTries

    async def aclose(self) -> None:
        await self.db.dispose()
