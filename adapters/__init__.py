"""Chat platforms. Each adapter only translates between its platform and the core."""
