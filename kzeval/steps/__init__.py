"""The run steps: what each Dagster asset of ``pipelines/`` does, as plain functions.

A step takes a DuckDB connection to the run's warehouse build and the run's
:class:`~kzeval.steps.context.RunContext` (year, run id, readings, corrections scope, paths);
it reads landed tables, calls the domain (``kzeval.methodology``, ``kzeval.indicators``,
``kzeval.landing``, ``kzeval.warehouse``, ...) and replaces the slice it owns. Nothing here
imports Dagster or ``pipelines``: the assets call the steps, and so do ``kzeval sensitivity``
and the tests. See docs/architecture.md.
"""
