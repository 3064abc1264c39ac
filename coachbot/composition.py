"""The composition root: the one place that builds and wires CoachBot's parts.

``build`` makes every service once and returns them as ``Services``, which the CLI and the
adapters hold and close. Handlers never see it: ``build_conversation`` hands each turn only the
read models and the use cases (``UseCases``), never the database or the settings. Everything
else receives what it needs as arguments; there are no module-level singletons.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from coachbot.clock import Clock, SystemClock
from coachbot.conversation.authorization import Guard
from coachbot.conversation.best_effort import BestEffortNotifier
from coachbot.conversation.capabilities import UseCases
from coachbot.conversation.engine import Conversation
from coachbot.conversation.handlers import build_registry
from coachbot.conversation.held import QuietHoursNotifier
from coachbot.conversation.nudges import NudgeDelivery
from coachbot.conversation.say import Say
from coachbot.conversation.turn import Notifier
from coachbot.prompts import Prompts
from coachbot.services.awards.recognising import Recognitions
from coachbot.services.awards.revoke_preview import RevokePreviews
from coachbot.services.awards.undoing import UndoCompletions
from coachbot.services.credentials.addresses import Addresses
from coachbot.services.credentials.issuing import CredentialIssuer
from coachbot.services.credentials.keys import IssuerKeys, KeySealer
from coachbot.services.credentials.publishing import Credentials
from coachbot.services.credentials.reversal import (
    CreditReversal,
    MarkAwardRevoked,
    OneAfterAnother,
)
from coachbot.services.credentials.revoking import Revocations
from coachbot.services.district import (
    CohortService,
    PeopleDirectory,
    PersonSettingsService,
    PolicyAdmin,
)
from coachbot.services.evidence import (
    BasketService,
    EvidenceAccess,
    EvidenceFiles,
    EvidenceLinks,
    EvidenceService,
    FileKeeper,
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
from coachbot.services.ledger.downloads import Downloads
from coachbot.services.ledger.files import LedgerFiles
from coachbot.services.ledger.recovery_notice import RecoveryInNotice
from coachbot.services.loading import CalendarLoader, CatalogLoader, RosterLoader
from coachbot.services.nudging import Dispatcher, NightHold, OutboxHistory, Sweep
from coachbot.services.nudging.outgoing import Deliver
from coachbot.services.nudging.ratelimit import LimitedDelivery, RateLimiter
from coachbot.services.reading import ReadModels, StatusService
from coachbot.services.reading.access import AccessFacts
from coachbot.services.reviews import CalibrationService, HandIns, ReviewService
from coachbot.settings import Settings
from coachbot.storage.database import Database
from coachbot.storage.evidence_files import EvidenceStore, FolderStore, S3Store, folder_secret

__all__ = [
    "Nudging",
    "Services",
    "build",
    "build_conversation",
    "build_nudging",
    "evidence_store",
]


@dataclass
class Services:
    """Every service, built once. The CLI and the adapters use it; handlers never do."""

    settings: Settings
    clock: Clock
    db: Database
    prompts: Prompts
    people: PeopleDirectory
    read: ReadModels
    status: StatusService
    journey: JourneyService
    approvals: ApprovalService
    choosing: ChoosingService
    planning: PlanningService
    extra_tries: ExtraTries
    extensions: Extensions  # more time for a cohort, or for one teacher
    basket: BasketService
    waiting_files: WaitingFiles
    evidence: EvidenceService
    hand_ins: HandIns
    evidence_access: EvidenceAccess
    evidence_store: EvidenceStore
    evidence_files: EvidenceFiles  # opening a file through its link (the web listener's)
    reviews: ReviewService
    calibration: CalibrationService
    cohorts: CohortService
    person_settings: PersonSettingsService
    policy: PolicyAdmin
    catalog: CatalogLoader
    roster: RosterLoader
    calendar: CalendarLoader
    outbox: OutboxHistory
    access: AccessFacts  # who stands how to an object; refusals in the audit trail
    credentials: Credentials  # Open Badges: keys, published credentials, verification
    ledger: LedgerService  # every credit by fiscal year; stipends to payroll; reversals
    committees: CommitteeService  # pathway outcomes voted on by their committee
    downloads: Downloads  # files made for one person in chat, behind a signed link
    ledger_files: LedgerFiles  # the HR export and a teacher's own record, as links
    recognitions: Recognitions  # credentials earned elsewhere, recognised under the policy
    revoke_previews: RevokePreviews  # what revoking would undo, shown before the yes

    def use_cases(self) -> UseCases:
        """What handlers may call: the use cases, without the database or the settings."""
        return UseCases(
            journey=self.journey,
            approvals=self.approvals,
            choosing=self.choosing,
            planning=self.planning,
            extra_tries=self.extra_tries,
            extensions=self.extensions,
            basket=self.basket,
            waiting_files=self.waiting_files,
            evidence=self.evidence,
            hand_ins=self.hand_ins,
            evidence_access=self.evidence_access,
            reviews=self.reviews,
            calibration=self.calibration,
            cohorts=self.cohorts,
            person_settings=self.person_settings,
            policy=self.policy,
            calendar=self.calendar,
            status=self.status,
            outbox=self.outbox,
            access=self.access,
            credentials=self.credentials,
            ledger=self.ledger,
            ledger_files=self.ledger_files,
            committees=self.committees,
            recognitions=self.recognitions,
            revoke_previews=self.revoke_previews,
        )

    async def aclose(self) -> None:
        await self.db.dispose()


def build(
    settings: Settings, clock: Clock | None = None, *, reversal: CreditReversal | None = None
) -> Services:
    """Build every service against ``settings.database_url``. Logging is the caller's to set
    up (the CLI does it once, from the settings); building never touches it. ``reversal``
    undoes what a revoked credential's award brought (the default: the award stops counting
    and the ledger writes reversing entries)."""
    clock = clock or SystemClock()
    db = Database(settings.database_url, echo=settings.db_echo)
    journey = JourneyService(db, clock)
    store = evidence_store(settings)
    keeper = FileKeeper(store, settings.evidence_max_mb * 1024 * 1024)
    links = EvidenceLinks(
        (settings.link_secret or "").encode()
        or (lambda: folder_secret(settings.evidence_folder())),
        clock,
        settings.link_base(),
        timedelta(hours=settings.evidence_link_hours),
    )
    access = EvidenceAccess(db, clock, links)
    evidence = EvidenceService(db, clock, journey, keeper)
    addresses = Addresses(settings.link_base())
    keys = IssuerKeys(KeySealer(credential_key_secret(settings)), clock)
    issuer = CredentialIssuer(keys, addresses)
    reviews = ReviewService(db, clock, journey, issuer)
    ledger = LedgerService(db, clock)
    # Revoking undoes what the award brought: it stops counting, each stack or pathway that no
    # longer holds without it is undone (its committee request withdrawn, its unsent news
    # dropped, its ledger entries reversed), and the ledger takes the award's own credits back
    # with reversing entries (never an edit).
    reversal = reversal or OneAfterAnother(
        MarkAwardRevoked(db, clock), UndoCompletions(db, clock), ledger,
        RecoveryInNotice(db, ledger),  # the teacher's notice names a paid stipend to recover
    )
    downloads = Downloads(settings.evidence_folder() / "downloads", links, clock)
    credentials = Credentials(db, clock, issuer, keys, addresses, Revocations(db, clock, reversal))
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        prompts=Prompts(
            settings.prompts_dir, district=settings.district_prompts_dir, locale=settings.locale
        ),
        people=PeopleDirectory(db),
        read=ReadModels(db),
        status=StatusService(db),
        journey=journey,
        approvals=ApprovalService(db, clock, journey),
        choosing=ChoosingService(db, clock),
        planning=PlanningService(db, clock),
        extra_tries=ExtraTries(db, clock),
        extensions=Extensions(db, clock),
        basket=BasketService(db, clock, keeper),
        waiting_files=WaitingFiles(db, clock, keeper),
        evidence=evidence,
        hand_ins=HandIns(evidence, reviews, clock),
        evidence_access=access,
        evidence_store=store,
        evidence_files=EvidenceFiles(db, clock, links, store),
        reviews=reviews,
        calibration=CalibrationService(db, clock),
        cohorts=CohortService(db, clock),
        person_settings=PersonSettingsService(db, clock),
        policy=PolicyAdmin(db, clock),
        catalog=CatalogLoader(db, clock),
        roster=RosterLoader(db, clock),
        calendar=CalendarLoader(db, clock),
        outbox=OutboxHistory(db, clock),
        access=AccessFacts(db, clock),
        credentials=credentials,
        recognitions=Recognitions(db, clock, credentials),
        revoke_previews=RevokePreviews(db),
        ledger=ledger,
        committees=CommitteeService(db, clock),
        downloads=downloads,
        ledger_files=LedgerFiles(db, downloads, links, addresses),
    )


def credential_key_secret(settings: Settings) -> bytes | Callable[[], bytes]:
    """What seals the signing keys: ``COACHBOT_CREDENTIAL_KEY_SECRET``, else the link secret
    (``COACHBOT_LINK_SECRET`` or the evidence folder's), read only when a key is first used."""
    if settings.credential_key_secret:
        return settings.credential_key_secret.encode()
    if settings.link_secret:
        return settings.link_secret.encode()
    return lambda: folder_secret(settings.evidence_folder())


def evidence_store(settings: Settings) -> EvidenceStore:
    """S3-compatible object storage when a bucket is named, else the folder on disk."""
    if settings.evidence_s3_bucket:
        return S3Store(
            settings.evidence_s3_bucket,
            prefix=settings.evidence_s3_prefix,
            endpoint_url=settings.evidence_s3_endpoint,
            region=settings.evidence_s3_region,
        )
    return FolderStore(settings.evidence_folder())


def build_conversation(
    services: Services,
    notifier: Notifier,
    *,
    dispatcher: Dispatcher | None = None,
    unlinked_only: bool = False,
) -> Conversation:
    """The conversation every adapter talks to, with every handler registered.

    A turn that queues news in the outbox (a review's feedback) is followed by a dispatch pass,
    so the teacher hears at once; quiet hours still hold. A platform with rate limits passes its
    own ``dispatcher`` (from ``build_nudging`` with its limiter), so these sends share the
    platform's budget with the reminders; otherwise one is made that delivers through
    ``notifier``, one person after another in the outbox's order (no platform limits to use
    up side by side, and the same turns always print the same transcript). ``unlinked_only``
    (the terminal): that dispatcher delivers only to people no chat platform reaches, so a
    terminal opened beside a Slack or Discord deployment never holds those people's news.
    """
    say = Say(services.prompts)
    if dispatcher is None:
        dispatcher = Dispatcher(
            services.db,
            services.clock,
            NudgeDelivery(say, notifier),
            worker=f"turns-{uuid.uuid4().hex[:8]}",
            concurrency=1,
            unlinked=unlinked_only,
        )
    kick = dispatcher.run_once
    registry = build_registry()
    registry.seal()  # every command, button and form has its rule, or CoachBot does not start
    return Conversation(
        people=services.people,
        read=services.read,
        use=services.use_cases(),
        clock=services.clock,
        say=say,
        # Staff get the same nights as teachers: what a turn tells someone else waits for
        # their morning in the outbox (the dispatcher above delivers it, unwrapped, and retries
        # it); sent at once, a failure is logged and the turn goes on (BestEffortNotifier).
        notifier=QuietHoursNotifier(BestEffortNotifier(notifier),
                                    NightHold(services.db, services.clock)),
        registry=registry,
        guard=Guard(services.access),
        kick=lambda: kick(limit=50),
        arrive=dispatcher.deliver_waiting,
    )


@dataclass(frozen=True)
class Nudging:
    sweep: Sweep
    dispatcher: Dispatcher


def build_nudging(
    services: Services,
    notifier: Notifier,
    *,
    worker: str = "main",
    limiter: RateLimiter | None = None,
    side_by_side: int = 8,
    platform: str | None = None,
    unlinked: bool = False,
) -> Nudging:
    """The sweep and a dispatcher that delivers through ``notifier`` (the platform adapter).

    With a ``limiter`` (configured by the adapter with its platform's published limits), each
    delivery waits its turn per person (one direct conversation each) and for the whole
    workspace, and a platform's 429 holds that person's key for its Retry-After.
    ``side_by_side`` people are served at once (1: one after another, in the outbox's order).
    With ``platform``, the dispatcher delivers only to people with an account on it, so each
    platform's dispatcher in one process (``coachbot run`` with Slack and Discord) reaches only
    its own people; ``unlinked`` adds people with no account on any platform yet (a platform
    that finds them by email).
    """
    deliver: Deliver = NudgeDelivery(Say(services.prompts), notifier)
    if limiter is not None:
        deliver = LimitedDelivery(limiter, deliver, lambda nudge: f"person:{nudge.person_id}")
    return Nudging(
        Sweep(services.db, services.clock, services.reviews),
        Dispatcher(
            services.db, services.clock, deliver, worker=worker, concurrency=side_by_side,
            platform=platform, unlinked=unlinked,
        ),
    )
