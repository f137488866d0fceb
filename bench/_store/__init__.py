"""Helpers of bench/store.py (not benchmarks themselves: .ci/run runs every bench/*.py)."""
