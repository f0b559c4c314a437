"""Benchmarks that print figures (see docs/benchmarks.md); never timing assertions in tests."""
