"""The record every wing writes to: the audit trail, request keys claimed once, and the outbox
of news that commits with the change it reports."""
