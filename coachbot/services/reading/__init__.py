"""Read models: what the conversation shows of the catalog, pursuits, people and progress."""
