"""Pipeline progress as the command line shows it: one line per stage (Dagster step).

- :class:`Progress`: one line per pipeline stage as it finishes; on a terminal the running stage
  is shown on a line that updates in place, when piped plain lines only. No colour codes are
  ever written.
- :func:`progress_note`: a step reports steps within itself (overtime per month) by logging its
  text; :class:`Progress` shows it as a stage of the running step.
- :func:`listen_to_every_run`: hands every run's events to a callback (``runner`` uses it).

A library module (the pipeline's steps write progress notes, the runner attaches the
listener); the command line (:mod:`kzeval.cli`) only creates the printer.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TextIO

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
