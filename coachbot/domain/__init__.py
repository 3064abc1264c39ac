"""Domain rules in pure Python: no I/O, no storage, no templates (import-linter enforces it)."""
