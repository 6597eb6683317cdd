"""Direction «Качество рассмотрения жалоб и заявлений» (seed 004, chapter 5, Appendices 11 and 13).

``H = R1 + R2 + R3 + R4`` (para. 106) from record-level appeals (AIS «Единый учет обращений
лиц»), complaints and applications only. Each variable is placed in the year by the date
that defines it in the seed — «в отчетном периоде» attaches to the event counted:

* ``p`` (R1, R2) — reviewed in the year (``reviewed_on``); ``f`` — those of them reviewed
  after ``due_on`` (para. 97). Reading ``appeals.period=received_and_reviewed`` counts only
  those also received in the year (para. 92); both variants are counted in one pass;
* ``a`` (R2) — court decisions recognising the appeal as justified that entered into force
  in the year (``court_satisfied_on`` is the date of entry into force: «вступившие в
  законную силу решения суда», para. 9; para. 99);
* ``m`` (R3) — received in the year (``received_on``); ``n`` — redirected in the year after
  ``redirect_due_on`` (para. 102);
* R4 — the appeals of ``f`` and ``n`` (counted once), with their ``disciplinary`` flag (para. 104).

An appeal still unreviewed at year end is counted in the year it is reviewed. The events are
written once (:data:`EVENT_FLAGS_SQL`) and counted by one query, run in DuckDB where the appeals
are landed (3.5 million at national scale: no transfer to Python,
:func:`aggregate_appeals_in_duckdb`) or over a frame the commission's corrections were applied
to (:func:`aggregate_appeals`); `kzeval explain` lists the records of a count with the same
flags (:func:`counted_appeals`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import polars as pl

from kzeval.indicators.common import DirectionResult, IndicatorResult, result_from_definition
from kzeval.indicators.scoring import rate_indicator
from kzeval.methodology import interaction_2023 as ed
from kzeval.methodology.base import ActiveReadings

DIRECTION = ed.DIRECTION_APPEALS
_DEFS = {d.code: d for d in ed.INDICATORS}
CODES = ("appeal_review_timeliness", "appeal_court_overturned", "appeal_redirect_timeliness", "appeal_internal_control")
INDICATOR_TABLES: Mapping[str, tuple[str, ...]] = {code: _DEFS[code].source_tables for code in CODES}
INDICATOR_READINGS: Mapping[str, tuple[str, ...]] = {
    "appeal_review_timeliness": ("appeals.period",),
    "appeal_court_overturned": ("appeals.period", "appeals.r2_nothing_reviewed"),
    "appeal_internal_control": ("appeals.period", "appeals.r4_impossible", "appeals.r4_all_impossible"),
}
DIRECTION_READINGS = tuple(sorted({k for keys in INDICATOR_READINGS.values() for k in keys}))
# Counts that depend on appeals.period: the default column and its received-in-the-year variant.
PERIOD_COLUMNS: Mapping[str, str] = {
    "reviewed": "reviewed_same_year",
    "reviewed_late": "reviewed_late_same_year",
    "late_cases": "late_cases_same_year",
    "disciplined": "disciplined_same_year",
    "impossible": "impossible_same_year",
}


def required_tables(body_type: str) -> tuple[str, ...]:
    return tuple(sorted({t for tables in INDICATOR_TABLES.values() for t in tables}))


# ---------------------------------------------------------------------------------------
# Scalar formulas
# ---------------------------------------------------------------------------------------


def review_timeliness(reviewed_late: float, reviewed: float) -> float:
    """R1 (para. 97, RECONSTRUCTED-HIGH): ``max(0, k − f / p × 1 000)``, k = 40; p = 0 → 40."""
    return rate_indicator(ed.APPEAL_REVIEW_K, reviewed_late, reviewed, ed.APPEAL_REVIEW_SCALE)


def court_overturned(overturned: float, reviewed: float, nothing_reviewed: str = "zero") -> float:
    """R2 (paras. 99–100, RECONSTRUCTED-HIGH): ``max(0, k − a / p × 10 000)``, k = 30; a = 0 → 30 (para. 100).

    A court decision in the year with nothing reviewed (a > 0, p = 0), reading
    ``appeals.r2_nothing_reviewed``: zero (default) — para. 100's 30 points are only for a
    body without such appeals, and the unbounded rate is a result «со знаком минус» → 0;
    max — 30, no share of reviewed appeals can be formed.
    """
    if overturned <= 0:
        return ed.APPEAL_COURT_NONE_POINTS
    if reviewed <= 0:
        if nothing_reviewed == "zero":
            return 0.0
        if nothing_reviewed == "max":
            return ed.APPEAL_COURT_NONE_POINTS
        raise ValueError(f"appeals.r2_nothing_reviewed: unknown reading {nothing_reviewed!r}")
    return rate_indicator(ed.APPEAL_COURT_K, overturned, reviewed, ed.APPEAL_COURT_SCALE)


def redirect_timeliness(redirected_late: float, received: float) -> float:
    """R3 (para. 102, RECONSTRUCTED-HIGH): ``max(0, k − n / m × 100)``, k = 20 — m counts appeals *received*."""
    return rate_indicator(ed.APPEAL_REDIRECT_K, redirected_late, received, ed.APPEAL_REDIRECT_SCALE)


def disciplinary_share_pct(late_cases: int, disciplined: int, impossible: int, reading: str) -> float | None:
    """Share (%) of late cases with disciplinary liability (para. 104); None when there is no case to judge.

    Reading ``appeals.r4_impossible`` (Q7): exclude_both — cases where liability was
    impossible (dismissal) leave numerator and denominator; numerator_only — they stay in
    the denominator.
    """
    if reading == "exclude_both":
        denominator = late_cases - impossible
    elif reading == "numerator_only":
        denominator = late_cases
    else:
        raise ValueError(f"appeals.r4_impossible: unknown reading {reading!r}")
    if denominator <= 0:
        return None
    return disciplined / denominator * ed.APPEAL_PCT_SCALE


def internal_control(share_pct: float | None, late_cases: int = 0, all_impossible: str = "max") -> float:
    """R4 (para. 105, Appendix 13, IN SEED): band of the disciplinary share.

    90–100 % → 10, 80–89,9 → 8, 70–79,9 → 6, 60–69,9 → 4, 50–59,9 → 1, below 50 → 0
    (lower bounds inclusive, so 89.95 → 8); no late case → 10. Late cases of which none is
    left to judge (every one «impossible», share None), reading ``appeals.r4_all_impossible``:
    max (default) — 10, as with no late case; zero — 0, Appendix 13 gives its 10 only
    «в случае отсутствия» late cases.
    """
    if share_pct is None:
        if late_cases <= 0 or all_impossible == "max":
            return ed.APPEAL_INTERNAL_CONTROL_NO_LATE_POINTS
        if all_impossible == "zero":
            return ed.APPEAL_INTERNAL_CONTROL_BELOW_BANDS
        raise ValueError(f"appeals.r4_all_impossible: unknown reading {all_impossible!r}")
    for lower, points in ed.APPEAL_INTERNAL_CONTROL_BANDS:
        if share_pct >= lower:
            return points
    return ed.APPEAL_INTERNAL_CONTROL_BELOW_BANDS


# ---------------------------------------------------------------------------------------
# Vectorised aggregation
# ---------------------------------------------------------------------------------------

AGGREGATE_SCHEMA: dict[str, Any] = {
    "_body": pl.Utf8,
    "reviewed": pl.Int64,
    "reviewed_late": pl.Int64,
    "court_overturned": pl.Int64,
    "received": pl.Int64,
    "redirected_late": pl.Int64,
    "late_cases": pl.Int64,
    "disciplined": pl.Int64,
    "impossible": pl.Int64,
    **{column: pl.Int64 for column in PERIOD_COLUMNS.values()},
}


AGGREGATED_FRAME = "appeals:aggregated"  # frames key: counts already aggregated in DuckDB

# The events of one appeal in the year ``$year``: the one definition of what R1–R4 count. Every
# count below, and the records `kzeval explain` lists, is made of these flags:
# _rv reviewed in the year (p); _rl of them reviewed after due_on (f); _ct court decision entered
# into force in the year (a); _rc received in the year (m); _dl redirected in the year after
# redirect_due_on (n).
EVENT_FLAGS_SQL = """
    coalesce(year(reviewed_on) = $year, false) AS _rv,
    coalesce(year(reviewed_on) = $year, false) AND coalesce(reviewed_on > due_on, false) AS _rl,
    coalesce(year(court_satisfied_on) = $year, false) AS _ct,
    coalesce(year(received_on) = $year, false) AS _rc,
    coalesce(year(redirected_on) = $year, false) AND coalesce(redirected_on > redirect_due_on, false) AS _dl
"""
_EVENT_FLAGS = ("_rv", "_rl", "_ct", "_rc", "_dl")
_KINDS_SQL = ", ".join(f"'{k}'" for k in ed.APPEAL_KINDS)  # data-contracts: other kinds are out of scope
# A late case under each appeals.period: a late review (only of an appeal also received in the
# year under received_and_reviewed) or a late redirection.
_LATE = "_rl OR _dl"
_LATE_SAME_YEAR = "(_rl AND _rc) OR _dl"
# The appeals behind each count of R1–R4 (explain's records), per appeals.period.
_RECORD_CONDITIONS: Mapping[str, Mapping[str, str]] = {
    "reviewed": {
        "appeal_review_timeliness": "_rl",
        "appeal_court_overturned": "_ct",
        "appeal_redirect_timeliness": "_dl",
        "appeal_internal_control": _LATE,
    },
    "received_and_reviewed": {
        "appeal_review_timeliness": "_rl AND _rc",
        "appeal_court_overturned": "_ct",
        "appeal_redirect_timeliness": "_dl",
        "appeal_internal_control": _LATE_SAME_YEAR,
    },
}


def _aggregate_sql(scoped: str) -> str:
    """Counts per assessed body over ``scoped`` (a query giving the appeals with their body as ``_body``)."""
    return f"""
        WITH scoped AS ({scoped}),
        flagged AS (
            SELECT _body, {EVENT_FLAGS_SQL}, disciplinary
            FROM scoped WHERE kind IN ({_KINDS_SQL}) AND _body IS NOT NULL
        )
        SELECT _body,
            count(*) FILTER (WHERE _rv) AS reviewed,
            count(*) FILTER (WHERE _rl) AS reviewed_late,
            count(*) FILTER (WHERE _ct) AS court_overturned,
            count(*) FILTER (WHERE _rc) AS received,
            count(*) FILTER (WHERE _dl) AS redirected_late,
            count(*) FILTER (WHERE {_LATE}) AS late_cases,
            count(*) FILTER (WHERE ({_LATE}) AND disciplinary = 'yes') AS disciplined,
            count(*) FILTER (WHERE ({_LATE}) AND disciplinary = 'impossible') AS impossible,
            count(*) FILTER (WHERE _rv AND _rc) AS reviewed_same_year,
            count(*) FILTER (WHERE _rl AND _rc) AS reviewed_late_same_year,
            count(*) FILTER (WHERE {_LATE_SAME_YEAR}) AS late_cases_same_year,
            count(*) FILTER (WHERE ({_LATE_SAME_YEAR}) AND disciplinary = 'yes') AS disciplined_same_year,
            count(*) FILTER (WHERE ({_LATE_SAME_YEAR}) AND disciplinary = 'impossible') AS impossible_same_year
        FROM flagged
        WHERE _rv OR _ct OR _rc OR _dl
        GROUP BY _body ORDER BY _body
        """


def _counts(con: duckdb.DuckDBPyConnection, scoped: str, year: int) -> pl.DataFrame:
    frame = con.execute(_aggregate_sql(scoped), {"year": year}).pl()
    return frame.select(pl.col(column).cast(dtype) for column, dtype in AGGREGATE_SCHEMA.items())


def aggregate_appeals_in_duckdb(
    con: duckdb.DuckDBPyConnection, appeals: str, agencies: str, year: int, files: Sequence[str] | None = None
) -> pl.DataFrame:
    """Per assessed body: p, f, a, m, n and the R4 late-case counts of the year, in one DuckDB query.

    Runs where the appeals are stored (the table ``appeals``; 3.5 million rows at national scale
    are not transferred to Python). ``agencies`` maps each unit to its assessed body
    (``core.agencies``); rows of units it does not know are not counted. The ``*_same_year``
    columns count the same for appeals also received in the year (reading
    ``appeals.period=received_and_reviewed``).

    ``files``: only the rows of these landed files (``_file_sha256``; the lake then skips the
    other segments) — given as the files with a row received, reviewed, redirected or with a
    court decision in the year (``kzeval.lineage.files_of_year``), it changes nothing: a body is
    listed only for a row with one of those events in the year (``_aggregate_sql``).
    """
    only = ""
    if files is not None:
        quoted = ", ".join("'" + sha.replace("'", "''") + "'" for sha in files)
        only = f" WHERE a._file_sha256 IN ({quoted})" if quoted else " WHERE false"
    scoped = (
        f"SELECT a.*, b.assessed_agency_id AS _body "
        f"FROM {appeals} a JOIN {agencies} b ON b.agency_id = a.agency_id{only}"
    )
    return _counts(con, scoped, year)


def aggregate_appeals(appeals: pl.DataFrame | pl.LazyFrame, year: int) -> pl.DataFrame:
    """:func:`aggregate_appeals_in_duckdb` over a frame (e.g. the appeals the commission's corrections
    were applied to): the same query, the body taken from ``assessed_agency_id`` (else ``agency_id``);
    rows without a body are not counted."""
    frame = appeals.collect() if isinstance(appeals, pl.LazyFrame) else appeals
    body = "assessed_agency_id" if "assessed_agency_id" in frame.columns else "agency_id"
    with duckdb.connect() as con:
        con.register("appeals_frame", frame)
        return _counts(con, f'SELECT *, "{body}" AS _body FROM appeals_frame', year)


def counted_appeals(appeals: pl.DataFrame, year: int, code: str, period: str = "reviewed") -> pl.DataFrame:
    """The appeals a count of R1–R4 (``code``) is made of, under the reading ``appeals.period``.

    The same event flags as the aggregation: a late review counts under received_and_reviewed only
    for an appeal also received in the year; R2's ``a`` is placed in the year by
    ``court_satisfied_on``, the date the court decision entered into force (para. 9).
    """
    condition = _RECORD_CONDITIONS[period][code]
    flags = ", ".join(_EVENT_FLAGS)
    with duckdb.connect() as con:
        con.register("appeals_frame", appeals)
        found = con.execute(
            f"""
            WITH flagged AS (SELECT *, {EVENT_FLAGS_SQL} FROM appeals_frame WHERE kind IN ({_KINDS_SQL}))
            SELECT * EXCLUDE ({flags}) FROM flagged WHERE {condition}
            ORDER BY received_on NULLS FIRST, appeal_id NULLS FIRST
            """,
            {"year": year},
        ).pl()
    return found.cast(appeals.schema)  # the caller's column types (DuckDB may widen some)


# ---------------------------------------------------------------------------------------
# Direction assembly
# ---------------------------------------------------------------------------------------


def compute_appeals(
    frames: Mapping[str, pl.DataFrame | None], bodies: pl.DataFrame, year: int, readings: ActiveReadings
) -> tuple[list[IndicatorResult], list[DirectionResult]]:
    """R1–R4 and ``H`` per assessed body with at least one in-scope appeal event in the year.

    ``frames`` holds either the landed appeals (``"appeals"``) or their counts aggregated in
    DuckDB (:data:`AGGREGATED_FRAME`).
    """
    aggregated = frames.get(AGGREGATED_FRAME)
    if aggregated is None:
        appeals = frames.get("appeals")
        if appeals is None:
            return [], []
        aggregated = aggregate_appeals(appeals, year)
    body_types = dict(zip(bodies["agency_id"].to_list(), bodies["body_type"].to_list(), strict=True))
    reading = readings.value("appeals.r4_impossible")
    period = readings.value("appeals.period")
    if period not in ("reviewed", "received_and_reviewed"):
        raise ValueError(f"appeals.period: unknown reading {period!r}")
    nothing_reviewed = readings.value("appeals.r2_nothing_reviewed")
    all_impossible = readings.value("appeals.r4_all_impossible")
    indicators: list[IndicatorResult] = []
    directions: list[DirectionResult] = []
    for found in aggregated.iter_rows(named=True):
        body = found["_body"]
        btype = body_types.get(body)
        if btype is None:
            continue
        row = dict(found)
        if period == "received_and_reviewed":
            row.update({column: found[variant] for column, variant in PERIOD_COLUMNS.items()})
        share = disciplinary_share_pct(row["late_cases"], row["disciplined"], row["impossible"], reading)
        values = {
            "appeal_review_timeliness": review_timeliness(row["reviewed_late"], row["reviewed"]),
            "appeal_court_overturned": court_overturned(row["court_overturned"], row["reviewed"], nothing_reviewed),
            "appeal_redirect_timeliness": redirect_timeliness(row["redirected_late"], row["received"]),
            "appeal_internal_control": internal_control(share, row["late_cases"], all_impossible),
        }
        inputs: dict[str, dict[str, Any]] = {
            "appeal_review_timeliness": {"k": ed.APPEAL_REVIEW_K, "f": row["reviewed_late"], "p": row["reviewed"]},
            "appeal_court_overturned": {"k": ed.APPEAL_COURT_K, "a": row["court_overturned"], "p": row["reviewed"]},
            "appeal_redirect_timeliness": {
                "k": ed.APPEAL_REDIRECT_K,
                "n": row["redirected_late"],
                "m": row["received"],
            },
            "appeal_internal_control": {
                "late_cases": row["late_cases"],
                "disciplined": row["disciplined"],
                "impossible": row["impossible"],
                "share_pct": share,
            },
        }
        for code in CODES:
            indicators.append(
                result_from_definition(
                    _DEFS[code], body, btype, values[code], inputs[code], readings, INDICATOR_READINGS.get(code, ())
                )
            )
        keys = DIRECTION_READINGS
        directions.append(
            DirectionResult(
                agency_id=body,
                block=ed.BLOCK,
                direction=DIRECTION,
                raw_score=sum(values.values()),
                reading=readings.label(keys),
                is_provisional=readings.is_provisional(keys),
            )
        )
    return indicators, directions
