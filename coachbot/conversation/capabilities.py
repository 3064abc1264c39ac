"""What a handler may use: the use cases that change the record, and nothing else.

A turn carries these (``turn.use``) beside the read models (``turn.read``), the clock and the
ways to answer. There is no database, no settings and no bundle of everything here on purpose:
a handler that needs something new names it in this one place, where a reviewer sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

from coachbot.services.awards.recognising import Recognitions
from coachbot.services.awards.revoke_preview import RevokePreviews
from coachbot.services.credentials.publishing import Credentials
from coachbot.services.district import CohortService, PersonSettingsService, PolicyAdmin
from coachbot.services.evidence import (
    BasketService,
    EvidenceAccess,
    EvidenceService,
    WaitingFiles,
)
from coachbot.services.journey import (
    ApprovalService,
    ChoosingService,
    Extensions,
    ExtraTries,
    JourneyService,
    PlanningService,
)
from coachbot.services.ledger import LedgerService
from coachbot.services.ledger.committees import CommitteeService
from coachbot.services.ledger.files import LedgerFiles
from coachbot.services.loading import CalendarLoader
from coachbot.services.nudging import OutboxHistory
from coachbot.services.reading import StatusService
from coachbot.services.reading.access import AccessFacts
from coachbot.services.reviews import CalibrationService, HandIns, ReviewService


@dataclass(frozen=True)
class UseCases:
    journey: JourneyService
    approvals: ApprovalService  # pre-approval requests and decisions, with their messages
    choosing: ChoosingService
    planning: PlanningService
    extra_tries: ExtraTries
    extensions: Extensions  # more time for a cohort, or for one teacher
    basket: BasketService
    waiting_files: WaitingFiles  # files sent before the teacher said which part they are for
    evidence: EvidenceService
    hand_ins: HandIns  # a hand-in stored, routed and announced in one transaction
    evidence_access: EvidenceAccess
    reviews: ReviewService
    calibration: CalibrationService
    cohorts: CohortService
    person_settings: PersonSettingsService
    policy: PolicyAdmin
    calendar: CalendarLoader  # the school breaks a plan's dates fall in
    status: StatusService
    outbox: OutboxHistory  # what was sent, and the dead letters admins may send again
    access: AccessFacts  # the refused attempts a district admin may look through
    credentials: Credentials  # a teacher's own signed credentials and their links
    ledger: LedgerService  # totals by fiscal year, stipends to payroll, the year's budget
    committees: CommitteeService  # the requests a committee votes on, and the votes
    ledger_files: LedgerFiles  # the HR export (admins) and a teacher's own record, as links
    recognitions: Recognitions  # verifying in chat; credentials earned elsewhere recognised
    revoke_previews: RevokePreviews  # what revoking a credential would undo, before the yes
