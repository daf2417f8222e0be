"""Benchmarks: each runs as `python -m benchmarks.<name>` and prints its RESULT line last."""
