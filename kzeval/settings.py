"""kzeval's settings: every environment variable kzeval reads, and the default paths, in one place.

Nothing else in kzeval or ``pipelines`` reads ``os.environ`` for its own settings: an entry point
(the CLI, the Dagster definitions, a step that needs the spill memory limit) calls
:meth:`Settings.from_env` and passes on what it needs. The object is built from the environment
at the call, not cached at import, so a deployment (or a test) that sets a variable before the
call is seen. Run parameters (year, readings, the disputed body, paths of one run) are not
settings: they travel in :class:`kzeval.steps.context.RunContext`.

=============================  ===================================================================
``KZEVAL_WAREHOUSE``           published warehouse of ``dagster dev`` and the daemon (the CLI takes
                               ``--warehouse``); default ``data/warehouse/kzeval.duckdb``
``KZEVAL_LANDING``             landing drop folder of ``dagster dev`` and the daemon (the CLI takes
                               ``--landing``); default ``data/landing``
``KZEVAL_DUCKDB_MEMORY_LIMIT`` DuckDB ``memory_limit`` of the warehouse build (and of dbt's
                               connection, dbt_project/profiles.yml); default ``6GB``
``KZEVAL_PSEUDONYM_KEY``       the pseudonym key itself (kzeval.pseudonym)
``KZEVAL_PSEUDONYM_KEY_FILE``  a file holding the pseudonym key
``KZEVAL_AUTOMATION``          ``on`` starts the schedules and the sensor running (deployments)
``DAGSTER_HOME``               the Dagster instance ``kzeval run`` records runs in (default
                               ``data/dagster_home``)
``USER``                       who applied a correction (audit.corrections_applied), else ``kzeval``
=============================  ===================================================================

``KZEVAL_DBT_DUCKDB_PATH`` is not a setting: it is how kzeval tells dbt (profiles.yml) which
DuckDB file a run builds, set only for a dbt invocation (:func:`kzeval.steps.dbt.profile_env`).
``KZEVAL_NO_BROWSER`` is read by the test suite only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_WAREHOUSE = Path("data/warehouse/kzeval.duckdb")
DEFAULT_LANDING = Path("data/landing")
DEFAULT_DAGSTER_HOME = Path("data/dagster_home")
DEFAULT_MEMORY_LIMIT = "6GB"
DEFAULT_APPLIED_BY = "kzeval"

WAREHOUSE_ENV = "KZEVAL_WAREHOUSE"
LANDING_ENV = "KZEVAL_LANDING"
MEMORY_LIMIT_ENV = "KZEVAL_DUCKDB_MEMORY_LIMIT"
PSEUDONYM_KEY_ENV = "KZEVAL_PSEUDONYM_KEY"
PSEUDONYM_KEY_FILE_ENV = "KZEVAL_PSEUDONYM_KEY_FILE"
AUTOMATION_ENV = "KZEVAL_AUTOMATION"
DAGSTER_HOME_ENV = "DAGSTER_HOME"
# How kzeval points dbt (dbt_project/profiles.yml) at the DuckDB file it builds; set per dbt invocation.
DBT_DUCKDB_PATH_ENV = "KZEVAL_DBT_DUCKDB_PATH"


@dataclass(frozen=True)
class Settings:
    """The environment's settings, read once by :meth:`from_env`."""

    warehouse: Path = DEFAULT_WAREHOUSE
    landing: Path = DEFAULT_LANDING
    duckdb_memory_limit: str = DEFAULT_MEMORY_LIMIT
    pseudonym_key: str | None = None
    pseudonym_key_file: str | None = None
    automation: bool = False
    dagster_home: Path = DEFAULT_DAGSTER_HOME
    user: str = DEFAULT_APPLIED_BY

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            warehouse=Path(env.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE),
            landing=Path(env.get(LANDING_ENV) or DEFAULT_LANDING),
            duckdb_memory_limit=env.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT,
            pseudonym_key=env.get(PSEUDONYM_KEY_ENV) or None,
            pseudonym_key_file=env.get(PSEUDONYM_KEY_FILE_ENV) or None,
            automation=env.get(AUTOMATION_ENV, "").lower() in ("on", "1", "true"),
            dagster_home=Path(env.get(DAGSTER_HOME_ENV) or DEFAULT_DAGSTER_HOME),
            user=env.get("USER") or DEFAULT_APPLIED_BY,
        )

    @property
    def has_pseudonym_key(self) -> bool:
        """A pseudonym key is configured (its value is checked where it is used: kzeval.pseudonym)."""
        return bool(self.pseudonym_key or self.pseudonym_key_file)
