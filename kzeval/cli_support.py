"""What makes the `kzeval` command line quiet and helpful: user errors, progress, dbt's output.

- :class:`UserError`: a problem the user can fix (a missing folder, a year outside the
  partitions). ``kzeval`` prints it as one line and exits with status 2; no traceback unless
  ``--debug``.
- :class:`Progress`: one line per pipeline stage (Dagster step) as it finishes; on a terminal
  the running stage is shown on a line that updates in place, when piped plain lines only.
  A step reports steps within itself (overtime per month) by logging :func:`progress_note`
  text. No colour codes are ever written.
- :func:`quiet_stdout`: dbt's ~200 lines (and anything else the pipeline prints) go to a log
  file unless ``--verbose``; dbt's colours are turned off whenever its output is not a terminal.

Messages of the command line are in English; the figures it prints (rankings, explanations,
dispute tables) keep the Russian labels of the legal forms.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO


class UserError(Exception):
    """A problem with the command's arguments or environment that the user can fix; one line."""


def require_landing(landing: Path) -> None:
    if not landing.exists():
        raise UserError(
            f"landing folder {landing} does not exist (pass --landing DIR; the demo's drop is data/sample_drop)"
        )
    if not landing.is_dir():
        raise UserError(f"landing folder {landing} is not a folder")


def require_year(year: int) -> None:
    from pipelines.partitions import FIRST_YEAR, is_year_partition, today_in_kazakhstan

    if not is_year_partition(year):
        last = today_in_kazakhstan().year
        raise UserError(f"year {year} is outside the assessment years {FIRST_YEAR}–{last}")


def prepare_warehouse_folder(warehouse: Path, default: Path | None = None) -> None:
    """Create the warehouse's folder (a run always could); one line when that is impossible."""
    parent = warehouse.parent
    blocking = next((p for p in [parent, *parent.parents] if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise UserError(f"warehouse folder {parent} cannot be created: {blocking} is a file")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"warehouse folder {parent} cannot be created ({exc.strerror})") from None


def require_warehouse(warehouse: Path) -> None:
    """A command that reads the published warehouse needs it to exist (its folder too)."""
    if not warehouse.parent.exists():
        raise UserError(
            f"warehouse folder {warehouse.parent} does not exist: pass --warehouse FILE of a published warehouse"
        )
    if not warehouse.exists():
        raise UserError(f"warehouse {warehouse} does not exist: run `kzeval run` (or `kzeval demo`) first")


# ---------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------


PROGRESS_NOTE = "progress: "


def progress_note(text: str) -> str:
    """A log message :class:`Progress` shows as a stage of the running step (``context.log.info``)."""
    return PROGRESS_NOTE + text


def _metadata_rows(event: Any) -> int | None:
    """Rows reported by a materialisation's metadata (``rows``, ``rows_loaded`` or dagster's row count)."""
    data = getattr(event, "event_specific_data", None)
    materialization = getattr(data, "materialization", None)
    metadata = getattr(materialization, "metadata", None) or {}
    for key in ("rows_loaded", "rows", "dagster/row_count"):
        value = metadata.get(key)
        if value is not None:
            raw = getattr(value, "value", value)
            if isinstance(raw, int | float):
                return int(raw)
    return None


class Progress:
    """Prints pipeline stages as Dagster reports them (a callback for Dagster run events)."""

    def __init__(self, stream: TextIO, interactive: bool | None = None) -> None:
        self.stream = stream
        self.interactive = stream.isatty() if interactive is None else interactive
        self.started: dict[str, float] = {}
        self.rows: dict[str, int] = defaultdict(int)
        self.done = 0
        self.failed = 0

    @staticmethod
    def describe(step_key: str) -> str:
        """``landing__appeals`` → ``landing appeals``; ``kzeval_dbt_models`` → ``dbt models and tests``."""
        if step_key == "kzeval_dbt_models":
            return "dbt models and tests"
        return step_key.replace("__", " ").replace("_", " ")

    def _line(self, text: str) -> None:
        if self.interactive:
            self.stream.write("\r\x1b[2K" + text + "\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def _status(self, text: str) -> None:
        if self.interactive:  # the running stage, overwritten by the next line
            self.stream.write("\r\x1b[2K" + text[:120])
            self.stream.flush()

    def __call__(self, entry: Any) -> None:
        event = getattr(entry, "dagster_event", None)
        if event is None:
            message = getattr(entry, "user_message", None)
            if isinstance(message, str) and message.startswith(PROGRESS_NOTE):
                note = message[len(PROGRESS_NOTE) :]
                # a terminal shows it in place of the running stage; piped, one plain line each
                if self.interactive:
                    self._status(f"… {note}")
                else:
                    self._line(note)
            return
        kind = event.event_type_value
        step = event.step_key or ""
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
            self._status(f"… {self.describe(step)}")
        elif kind == "ASSET_MATERIALIZATION":
            rows = _metadata_rows(event)
            if rows is not None:
                self.rows[step] += rows
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            seconds = time.monotonic() - self.started.get(step, time.monotonic())
            counted = f", {self.rows[step]:,} rows" if step in self.rows else ""
            ok = kind == "STEP_SUCCESS"
            self.done += ok
            self.failed += not ok
            self._line(f"{'done' if ok else 'FAILED'}  {self.describe(step)} ({seconds:.1f} s{counted})")


def listen_to_every_run(instance: Any, callback: Callable[[Any], None]) -> None:
    """Call ``callback`` with every event the instance stores, whatever the run.

    Dagster's ``add_event_listener`` needs a run id, which ``materialize`` creates itself; the
    instance keeps its listeners per run id in a dict, which is made to hand ``callback`` to
    every new run. Without that dict (another Dagster version) there is no progress, nothing else.
    """
    subscribers = getattr(instance, "_subscribers", None)
    if not isinstance(subscribers, defaultdict):
        return

    class _EveryRun(defaultdict):  # type: ignore[type-arg]
        def __missing__(self, key: str) -> list[Callable[[Any], None]]:
            value = [callback]
            self[key] = value
            return value

    every = _EveryRun(list)
    every.update(subscribers)
    instance._subscribers = every


# ---------------------------------------------------------------------------------------
# dbt's output
# ---------------------------------------------------------------------------------------


def log_path(folder: Path, command: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"{command}-{stamp}.log"


@contextlib.contextmanager
def quiet_stdout(log_file: Path | None) -> Iterator[TextIO]:
    """Send what the pipeline prints (dbt's lines) to ``log_file``; yield the real stdout for progress.

    ``log_file`` None (``--verbose``): everything stays on stdout. dbt's colour codes are turned off
    unless its lines reach a terminal.
    """
    real = sys.stdout
    colours = os.environ.get("DBT_USE_COLORS")
    if log_file is None and real.isatty():
        yield real
        return
    os.environ["DBT_USE_COLORS"] = "false"
    try:
        if log_file is None:
            yield real
            return
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
            yield real
    finally:
        if colours is None:
            os.environ.pop("DBT_USE_COLORS", None)
        else:
            os.environ["DBT_USE_COLORS"] = colours
