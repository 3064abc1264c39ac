"""Evidence: the draft basket, handing in an immutable version, and who may look at it."""
