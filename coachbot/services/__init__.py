"""Services: the journey's operations, each one unit of work against the database."""
