"""The slack adapter (to come: it will only translate between slack and coachbot's core)."""
