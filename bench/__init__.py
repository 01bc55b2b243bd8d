"""Benchmarks: run each as ``.venv/bin/python -m bench.<module>``; each prints a table."""
