"""Run dbt inside the Dagster step's process instead of in a ``dbt`` subprocess.

A dbt subprocess pays ≈ 5 s before its first model: a new interpreter importing dbt, loading
the project and the parse state. The monthly reload's dbt work is ≈ 3 s, so that start-up was
a fifth of the reload (docs/decisions.md, 2026-11-23). dbt's programmatic entry point
(``dbtRunner``) reports the same structured events its ``--log-format json`` lines carry;
:class:`InProcessDbt` replays them as those lines, so dagster-dbt's own ``DbtCliInvocation``
turns them into materialisations and check results exactly as it does for a subprocess.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

# Events the dbt CLI prints to stdout at its default log level (debug events only reach dbt.log).
STDOUT_LEVELS = frozenset({"info", "warn", "error"})


class _Lines:
    """The ``stdout`` of :class:`InProcessDbt`: JSON log lines, as bytes, read once."""

    def __init__(self, owner: InProcessDbt) -> None:
        self._owner = owner
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        if self.closed:
            return iter(())
        return self._owner._run()

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.closed = True


class InProcessDbt:
    """The part of ``subprocess.Popen`` that ``DbtCliInvocation`` uses, backed by ``dbtRunner``.

    dbt runs in the calling thread when its output is first read (or on :meth:`wait`): dbt keeps
    process-wide state (flags, adapters, the event manager), so one invocation at a time, which
    the one-writer rule already guarantees. Its events are replayed after it finishes.
    """

    def __init__(self, args: Sequence[str], project_dir: Path, env: Mapping[str, str] | None = None) -> None:
        self.dbt_args = list(args)
        self.env = dict(env or {})  # seen by this invocation only (the profile's DuckDB path)
        self.args = ["dbt", *self.dbt_args]  # shown by dagster-dbt as the command it ran
        self.project_dir = project_dir
        self.returncode: int | None = None
        self.stdout = _Lines(self)

    def _run(self) -> Iterator[bytes]:
        from dbt.cli.main import dbtRunner  # lazy: dbt-core takes a second to import
        from dbt_common.events.functions import msg_to_dict

        events: list[Any] = []
        previous = Path.cwd()
        os.chdir(self.project_dir)  # as the subprocess's working directory: relative paths in profiles
        try:
            with scoped_environ(self.env):  # as the subprocess's environment
                result = dbtRunner(callbacks=[events.append]).invoke(self.dbt_args)
        finally:
            os.chdir(previous)
            release_duckdb()
        if result.exception is not None and not isinstance(result.exception, Exception):
            # dbtRunner returns even an interrupt (Ctrl-C, Dagster terminating the run) as a result
            raise result.exception
        errors = 0
        for event in events:
            line = msg_to_dict(event)
            level = line.get("info", {}).get("level")
            if level in STDOUT_LEVELS:
                errors += level == "error"
                yield orjson.dumps(line)
        if result.exception is not None and not errors:
            yield orjson.dumps(
                {
                    "info": {"name": "InProcessDbtFailed", "level": "error", "msg": f"dbt: {result.exception}"},
                    "data": {},
                }
            )
        self.returncode = 0 if result.success else (2 if result.exception is not None else 1)

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            with self.stdout as lines:
                for _ in lines:
                    pass
        return self.returncode if self.returncode is not None else 2

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, signal: int) -> None:
        """dbt runs in this thread: an interrupt reaches it directly, there is no child to forward it to."""


@contextlib.contextmanager
def scoped_environ(env: Mapping[str, str]) -> Iterator[None]:
    """``env`` set in ``os.environ`` for the block only (dbt reads its profile's ``env_var`` there)."""
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in the process after an invocation.

    dbt-duckdb caches one open database per process for the next invocation; left open, the
    build file would stay locked after the dbt step, and the warehouse's next writer — a Python
    step in this process or another run — would find it taken.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager  # lazy, as dbtRunner above

    with DuckDBConnectionManager._LOCK:
        environment, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if environment is not None:
        environment.close()
