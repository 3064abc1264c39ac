"""Benchmarks (`make bench`): speed and memory at state size, never asserted by tests."""
