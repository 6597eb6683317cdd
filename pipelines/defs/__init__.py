"""Per-area Dagster definitions, merged in pipelines.definitions."""
