"""The record every wing writes to: the audit trail (``audit``), request keys claimed once
(``idempotency``), and the outbox of news that commits with the change it reports (``outbox``).

Import the modules by name (``from coachbot.services.record import audit``): each is a handful of
functions that run inside the caller's transaction.
"""
