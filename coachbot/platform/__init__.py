"""What every chat platform adapter is given by the core, and what it must give back.

The contract itself is ``coachbot.platform.contract`` (docs/adapters.md walks through it); the
other modules are the platform-neutral parts an adapter uses instead of writing them again:
``turns`` (acknowledge first, work after, drain on shutdown), ``events`` (a platform's event
claimed once), ``forms`` (forms kept for a click and split into pages), ``accounts`` (platform
accounts and workspaces linked to people and districts), ``overview`` (a person's home) and
``serving`` (the nudge ticker beside a platform, stopped cleanly).
"""
