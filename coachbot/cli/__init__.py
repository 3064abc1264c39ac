"""The ``coachbot`` command line (typer)."""
