"""Open Badges 3.0 credentials: issue, sign, keep keys, verify and publish."""
