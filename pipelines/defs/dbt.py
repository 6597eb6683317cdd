"""dbt models (staging → intermediate → marts) as Dagster assets, grouped by folder."""

import importlib.metadata
import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from kzeval import warehouse
from pipelines.resources import KzevalResource

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
PARTIAL_PARSE = "partial_parse.msgpack"
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


@cache
def dbt_project() -> DbtProject:
    """The dbt project with a manifest parsed once (needed on a fresh clone)."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    if _manifest_is_stale(project.manifest_path):
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke(
            ["parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--quiet"]
        )
        if not result.success:
            raise RuntimeError(f"dbt parse failed: {result.exception}")
    return project


def _manifest_is_stale(manifest: Path) -> bool:
    """A fresh clone has no manifest; an edited model makes the old one wrong."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [
        DBT_PROJECT_DIR / "dbt_project.yml",
        *DBT_PROJECT_DIR.glob("models/**/*"),
        *DBT_PROJECT_DIR.glob("macros/**/*"),
    ]
    sources += list(DBT_PROJECT_DIR.glob("tests/**/*"))
    return any(p.stat().st_mtime > built for p in sources if p.is_file())


DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")  # the dbt of kzeval's own environment


class KzevalDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two fixed costs of every run (≈ 9 s of a monthly reload).

    dagster-dbt asks ``dbt --version`` in a subprocess, and builds an in-process dbt adapter
    that only serves metadata kzeval does not fetch (row counts, column schemas). The
    executable is the dbt of this environment, so the installed dbt-core gives the version.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable) == DBT_EXECUTABLE:
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None


def dbt_resource() -> KzevalDbtCliResource:
    executable = str(DBT_EXECUTABLE) if DBT_EXECUTABLE.exists() else "dbt"
    project: Any = dbt_project()  # dagster-dbt accepts the DbtProject itself
    return KzevalDbtCliResource(project_dir=project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=executable)


class KzevalDbtTranslator(DagsterDbtTranslator):
    """Group models by their folder (staging, intermediate, marts); sources map to core/landing."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return f"dbt_{fqn[1]}"
        return super().get_group_name(dbt_resource_props)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props.get("resource_type") == "source":
            source = dbt_resource_props["source_name"]
            name = dbt_resource_props["name"]
            if source == "raw":
                return dg.AssetKey(["landing", name])
            return dg.AssetKey([source, name])
        return super().get_asset_key(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=KzevalDbtTranslator(),
)
def kzeval_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, kzeval: KzevalResource) -> Iterator[Any]:
    kzeval.build_for(context.run.run_id)
    os.environ["KZEVAL_DBT_DUCKDB_PATH"] = str(warehouse.build_path(kzeval.published))
    invocation = dbt.cli(["build"], context=context)
    yield from invocation.stream()
    keep_partial_parse(invocation.target_path)


def keep_partial_parse(invocation_target: Path) -> None:
    """Make the invocation's parse state the one the next invocation starts from.

    dagster-dbt gives every invocation its own target folder and seeds it with the project
    target's ``partial_parse.msgpack``; dbt discards that state when the profile changed, and
    the profile holds the warehouse path. Without copying the new state back, every run against
    a warehouse other than the default parses the whole project again (≈ 5 s of a reload).
    """
    produced = invocation_target / PARTIAL_PARSE
    if produced.exists():
        target = DBT_PROJECT_DIR / "target"
        target.mkdir(exist_ok=True)
        temporary = target / f".{PARTIAL_PARSE}.{os.getpid()}"
        shutil.copyfile(produced, temporary)
        os.replace(temporary, target / PARTIAL_PARSE)


defs = dg.Definitions(
    assets=[kzeval_dbt_models],
    resources={"dbt": dbt_resource()},
)
