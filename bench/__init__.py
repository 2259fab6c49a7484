"""Benchmarks (run as scripts; each has a --json form)."""
