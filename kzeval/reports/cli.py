"""``kzeval report``: conclusions of one body, or the national ranking, as HTML or Excel.

The warehouse is opened read-only (``connect_readonly``) and never written. The default
output is ``data/reports/<year>/<agency id or "national">.<html|xlsx>``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kzeval.reports.build import build_agency_report
from kzeval.reports.data import load_snapshot
from kzeval.reports.html import render_agency_html, render_national_html
from kzeval.reports.model import ReportError
from kzeval.reports.national import build_national_report
from kzeval.reports.xlsx import write_agency_xlsx, write_national_xlsx

DEFAULT_REPORTS_DIR = Path("data/reports")
NATIONAL = "national"
FORMATS = ("html", "xlsx")


def default_out(year: int, agency: str | None, fmt: str, root: Path = DEFAULT_REPORTS_DIR) -> Path:
    """``data/reports/<year>/<agency or national>.<ext>``; characters unsafe in file names become ``_``."""
    stem = NATIONAL if agency is None else "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in agency)
    return root / str(year) / f"{stem}.{fmt}"


def write_report(warehouse: Path, year: int, agency: str | None, fmt: str, out: Path) -> Path:
    """Build the report from the warehouse and write it to ``out``; raises ReportError when impossible."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    snapshot = load_snapshot(warehouse, year)
    # Build the model first: a report that cannot be produced leaves no file or folder behind.
    if agency is None:
        national = build_national_report(snapshot)
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "html":
            out.write_text(render_national_html(national), encoding="utf-8")
        else:
            write_national_xlsx(national, out)
    else:
        report = build_agency_report(snapshot, agency)
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "html":
            out.write_text(render_agency_html(report), encoding="utf-8")
        else:
            write_agency_xlsx(report, out)
    return out


def cmd_report(args: argparse.Namespace) -> int:
    """Entry point of ``kzeval report`` (args: year, agency, format, out, warehouse)."""
    fmt = str(args.format)
    out = Path(args.out) if args.out is not None else default_out(int(args.year), args.agency, fmt)
    try:
        path = write_report(Path(args.warehouse), int(args.year), args.agency, fmt, out)
    except (ReportError, FileNotFoundError) as exc:
        print(f"kzeval report: {exc}", file=sys.stderr)
        return 1
    what = f"conclusions for {args.agency}" if args.agency else "national ranking"
    print(f"Report ({what}, {args.year}, {fmt}) written to {path}")
    return 0
