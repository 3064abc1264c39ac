"""The journey of one pursuit: the one gate every move goes through, choosing a credential,
work plans, and the tries a teacher has."""
