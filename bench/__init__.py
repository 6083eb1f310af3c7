"""Benchmarks, soak and fuzz tooling of the endpoint (issue 10): ``make bench``, ``make soak``."""
