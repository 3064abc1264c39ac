"""Services: the journey's operations, each one unit of work against the database, in wings by
capability (record < district < journey < evidence | awards < reviews < reading <
nudging | loading; import-linter keeps each wing to the ones below it)."""
