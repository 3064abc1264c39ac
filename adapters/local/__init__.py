"""The local adapter (to come: it will only translate between local and coachbot's core)."""
