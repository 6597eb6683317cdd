"""dbt models (staging → intermediate → marts) as Dagster assets, grouped by folder."""

import importlib.metadata
import os
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.asset_utils import extract_runtime_selection_from_args, get_updated_cli_invocation_params_for_context
from dagster_dbt.dagster_dbt_translator import validate_opt_translator
from dagster_dbt.dbt_manifest import validate_manifest
from packaging import version

from kzeval.landing.reader import copy_atomically
from kzeval.steps.dbt import DBT_EXECUTABLE, DBT_PROJECT_DIR, ensure_manifest, profile_env, year_vars
from pipelines.dbt_in_process import InProcessDbt, scoped_environ
from pipelines.resources import KzevalResource

PARTIAL_PARSE = "partial_parse.msgpack"
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


@cache
def dbt_project() -> DbtProject:
    """The dbt project with a manifest parsed once (needed on a fresh clone)."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    ensure_manifest(project.manifest_path)
    return project


class KzevalDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without the fixed costs of every run (≈ 14 s of a monthly reload).

    dagster-dbt asks ``dbt --version`` in a subprocess, and builds an in-process dbt adapter
    that only serves metadata kzeval does not fetch (row counts, column schemas). The
    executable is the dbt of this environment, so the installed dbt-core gives the version.
    With ``in_process`` (the default) dbt itself runs in the step's process
    (:mod:`pipelines.dbt_in_process`) instead of a ``dbt`` subprocess that starts from scratch.
    """

    in_process: bool = True

    @cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable) == DBT_EXECUTABLE:
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None

    def cli(
        self,
        args: Sequence[str],
        *,
        raise_on_error: bool = True,
        manifest: Any = None,
        dagster_dbt_translator: DagsterDbtTranslator | None = None,
        context: dg.OpExecutionContext | AssetExecutionContext | None = None,
        target_path: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> DbtCliInvocation:
        """As ``DbtCliResource.cli``; in process, the same selection, target folder and parse state.

        ``env``: variables this invocation alone sees on top of the process environment (the
        DuckDB file of the run, :func:`kzeval.steps.dbt.profile_env`).
        """
        if not self.in_process:
            with scoped_environ(env or {}):  # dagster-dbt copies os.environ when it starts the subprocess
                return super().cli(
                    args,
                    raise_on_error=raise_on_error,
                    manifest=manifest,
                    dagster_dbt_translator=dagster_dbt_translator,
                    context=context,
                    target_path=target_path,
                )
        translator = validate_opt_translator(dagster_dbt_translator) or DagsterDbtTranslator()
        cleaned_args, selects, excludes = extract_runtime_selection_from_args(args)
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest=validate_manifest(manifest) if manifest else {},
            dagster_dbt_translator=translator,
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
        project_dir = Path(params.dbt_project.project_dir if params.dbt_project else self.project_dir).resolve()
        target = target_path or self._get_unique_target_path(context=context)
        if not target.is_absolute():
            target = project_dir / target
        seed_partial_parse(project_dir, target)
        dbt_args = [
            *cleaned_args,
            *self.global_config_flags,
            *(["--profile", self.profile] if self.profile else []),
            *(["--target", self.target] if self.target else []),
            *params.selection_args,
            *(["--indirect-selection", params.indirect_selection] if params.indirect_selection else []),
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(Path(self.profiles_dir or project_dir).resolve()),
            "--target-path",
            str(target),
            "--log-path",
            str(target),
            "--log-level",
            "none",  # dagster-dbt prints the events; dbt.log keeps the debug log as a subprocess does
            "--log-level-file",
            "debug",
        ]
        return DbtCliInvocation(
            process=InProcessDbt(dbt_args, project_dir, env),  # type: ignore[arg-type]
            manifest=params.manifest,
            dagster_dbt_translator=params.dagster_dbt_translator,
            project_dir=project_dir,
            target_path=target,
            raise_on_error=raise_on_error,
            cli_version=self._cli_version,
            project=params.dbt_project,
            context=context,
            adapter=None,
        )


def seed_partial_parse(project_dir: Path, invocation_target: Path) -> None:
    """Start the invocation from the project's parse state, as dagster-dbt does for a subprocess."""
    produced = project_dir / "target" / PARTIAL_PARSE
    seeded = invocation_target / PARTIAL_PARSE
    if produced.exists() and not seeded.exists():
        copy_atomically(produced, seeded)


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
def kzeval_dbt_models(
    context: AssetExecutionContext, dbt: KzevalDbtCliResource, kzeval: KzevalResource
) -> Iterator[Any]:
    run = kzeval.run_context(context)
    kzeval.build_for(run.run_id)
    # dbt's unit tests check the marts' SQL on fixed rows, not the data: they run in the test suite
    # (tests/e2e/test_warehouse_self_describing.py), not in every run (≈ 2 s each).
    # The profile's DuckDB file is the run's build (run.dbt_duckdb_path), the file KzevalResource.connect writes.
    # The run's year (its partition: a year, or a month's year) as the var kzeval_year: the per-year
    # marts rebuild that year only; a run without a partition rebuilds them whole (kzeval.steps.dbt.year_vars).
    invocation = dbt.cli(
        ["build", "--exclude-resource-type", "unit_test", *year_vars(run.year)],
        context=context,
        env=profile_env(run.dbt_duckdb_path),
    )
    yield from invocation.stream()
    keep_partial_parse(invocation.target_path)
    prune_invocation_targets(DBT_PROJECT_DIR / "target")


INVOCATION_TARGET = re.compile(r"(kzeval_dbt_models-[0-9a-f]{7}-)?[0-9a-f]{7}")
KEPT_INVOCATION_TARGETS = 20


def prune_invocation_targets(target: Path, keep: int = KEPT_INVOCATION_TARGETS) -> list[Path]:
    """Delete all but the newest ``keep`` invocation folders dagster-dbt left in the project target.

    Every invocation gets its own folder (≈ 5 MB: manifest, run results, compiled SQL, dbt.log);
    a warehouse reloaded monthly and on every new file would otherwise fill the disk over the years.
    """
    folders = [p for p in target.iterdir() if p.is_dir() and INVOCATION_TARGET.fullmatch(p.name)]
    folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    removed = folders[keep:]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def keep_partial_parse(invocation_target: Path) -> None:
    """Make the invocation's parse state the one the next invocation starts from.

    dagster-dbt gives every invocation its own target folder and seeds it with the project
    target's ``partial_parse.msgpack``; dbt discards that state when the profile changed, and
    the profile holds the warehouse path. Without copying the new state back, every run against
    a warehouse other than the default parses the whole project again (≈ 5 s of a reload).
    """
    produced = invocation_target / PARTIAL_PARSE
    if produced.exists():
        copy_atomically(produced, DBT_PROJECT_DIR / "target" / PARTIAL_PARSE)


defs = dg.Definitions(
    assets=[kzeval_dbt_models],
    resources={"dbt": dbt_resource()},
)
