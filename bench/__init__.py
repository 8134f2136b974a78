"""Benchmarks at scale: `python -m bench` (make bench) generates data and measures the app."""
