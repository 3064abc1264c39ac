"""The ledger: every credit a teacher earns, by fiscal year, on its way to payroll."""

from coachbot.services.ledger.reversing import CreditReversal, reverse_award
from coachbot.services.ledger.service import Budget, Credits, LedgerService, Totals

__all__ = ["Budget", "CreditReversal", "Credits", "LedgerService", "Totals", "reverse_award"]
