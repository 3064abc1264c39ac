"""The bundle of CoachBot's services, as the composition root builds it."""

from __future__ import annotations

from dataclasses import dataclass

from coachbot.clock import Clock
from coachbot.prompts import Prompts
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
from coachbot.services.reading.read_models import Views
from coachbot.services.reading.status import StatusService
from coachbot.services.reviews.calibration import CalibrationService
from coachbot.services.reviews.reviewing import ReviewService
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
