"""Dagster wiring of kzeval: thin assets over the kzeval library."""
