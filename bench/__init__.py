"""Benchmark tooling: scripts that print figures, not part of the installed package (`python -m bench.<module>`)."""
