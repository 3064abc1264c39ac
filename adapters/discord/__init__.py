"""The discord adapter (to come: it will only translate between discord and coachbot's core)."""
