"""Direction «Открытость государственного органа» (seed 004 chapter 4): hand-computed checks."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from kzeval.indicators import openness as op
from kzeval.methodology import active_readings
from kzeval.methodology import interaction_2023 as ed

YEAR = 2024
BODIES = pl.DataFrame(
    {
        "agency_id": ["C1", "M1"],
        "body_type": ["CGO", "MIO"],
        "name_ru": ["Министерство", "Акимат"],
        "region_code": [None, "11"],
    }
)
ASSESSED = {"C1": "C1", "C1-S": "C1", "M1": "M1", "X9": None}

POINTS_SCHEMA: dict[str, Any] = {
    "agency_id": pl.Utf8,
    "year": pl.Int64,
    "criterion": pl.Utf8,
    "item": pl.Utf8,
    "language": pl.Utf8,
    "points": pl.Float64,
}
MEDIA_SCHEMA: dict[str, Any] = {
    "agency_id": pl.Utf8,
    "year": pl.Int64,
    "language": pl.Utf8,
    "events_high_publicity": pl.Int64,
    "events_total": pl.Int64,
    "media_requests": pl.Int64,
    "media_answers": pl.Int64,
    "media_answers_late": pl.Int64,
    "media_satisfied_pct": pl.Float64,
    "population_satisfied_pct": pl.Float64,
}


def points_frame(rows: list[tuple[str, int, str, str, str, float]]) -> pl.DataFrame:
    frame = pl.DataFrame([dict(zip(POINTS_SCHEMA, r, strict=True)) for r in rows], schema=POINTS_SCHEMA)
    return frame.with_columns(
        pl.col("agency_id").replace_strict(ASSESSED, return_dtype=pl.Utf8).alias("assessed_agency_id")
    )


def media_frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    frame = pl.DataFrame([dict(zip(MEDIA_SCHEMA, r, strict=True)) for r in rows], schema=MEDIA_SCHEMA)
    return frame.with_columns(
        pl.col("agency_id").replace_strict(ASSESSED, return_dtype=pl.Utf8).alias("assessed_agency_id")
    )


# ---------------------------------------------------------------------------------------
# Appendix 10 check
# ---------------------------------------------------------------------------------------


def test_appendix10_tables_sum_to_the_appendix7_weights() -> None:
    # Each language column is half the criterion weight: 9 + 9 = 18 (Table 1 without the API bonus item 6).
    for (criterion, body_type), items in ed.OPEN_ITEM_MAX_PER_LANGUAGE.items():
        total = sum(v for item, v in items.items() if not (criterion == "open_data" and item == "6"))
        expected = (
            4.5 if criterion == "open_subordinate_penalty" else 9.0
        )  # Tables 9–11: 3 + 3 + 3 = 9 over two languages
        assert total == pytest.approx(expected), (criterion, body_type)


def test_check_openness_points_reports_offending_rows() -> None:
    points = points_frame(
        [
            ("C1", YEAR, "open_data", "1", "kk", 2.5),  # ok (max 2.5)
            ("C1", YEAR, "open_data", "3", "ru", 3.5),  # > 3
            ("C1", YEAR, "open_budget", "1.3", "kk", 0.3),  # ok (Table 2 item 1.3)
            ("C1", YEAR, "open_budget", "1", "kk", 1.5),  # Table 2 has no item «1» row of its own
            ("M1", YEAR, "open_budget", "1", "kk", 2.0),  # ok (Table 3 item 1, MIO)
            ("M1", YEAR, "open_dialogue", "5.4", "kk", 0.5),  # NGO meeting: MIO not assessed
            ("M1", YEAR, "open_dialogue", "5.3", "kk", 1.0),  # ok: personal reception, MIO max 1
            ("C1", YEAR, "open_dialogue", "5.3", "kk", 1.0),  # CGO max 0.5
            ("M1", YEAR, "open_subordinate_penalty", "9.1", "kk", 1.5),  # P7 is CGO only
            ("C1-S", YEAR, "open_subordinate_penalty", "11.2", "ru", 1.0),  # ok (Table 11 item 2)
            ("X9", YEAR, "open_website", "1", "kk", 1.0),  # unknown body
        ]
    )
    bad = op.check_openness_points(points, BODIES)
    assert bad.height == 6
    reasons = dict(zip(zip(bad["agency_id"], bad["criterion"], bad["item"], strict=True), bad["reason"], strict=True))
    assert "exceed" in reasons[("C1", "open_data", "3")]
    assert "not a row" in reasons[("C1", "open_budget", "1")]
    assert "not a row" in reasons[("M1", "open_dialogue", "5.4")]
    assert "exceed" in reasons[("C1", "open_dialogue", "5.3")]
    assert "not assessed for MIO" in reasons[("M1", "open_subordinate_penalty", "9.1")]
    assert "unknown" in reasons[("X9", "open_website", "1")]
    maxima = dict(zip(zip(bad["agency_id"], bad["item"], strict=True), bad["max_points"], strict=True))
    assert maxima[("C1", "3")] == 3.0
    assert maxima[("C1", "5.3")] == 0.5
    assert set(bad.columns) >= {*POINTS_SCHEMA, "max_points", "reason"}


def test_check_openness_points_uses_pipeline_body_type_and_accepts_valid_rows() -> None:
    points = points_frame(
        [("M1", YEAR, "open_legal_acts", "3", "ru", 4.0), ("M1", YEAR, "open_legal_acts", "6", "ru", 1.0)]
    )
    points = points.with_columns(pl.lit("MIO").alias("body_type"))
    bad = op.check_openness_points(points, BODIES)
    # Table 5 (MIO) has items 1–4 only: item 3 max 4 is fine, item 6 is CGO Table 4
    assert bad["item"].to_list() == ["6"]
    assert op.check_openness_points(points.head(1), BODIES).is_empty()


# ---------------------------------------------------------------------------------------
# Scalar formulas
# ---------------------------------------------------------------------------------------


def test_points_criterion_and_penalty_caps() -> None:
    assert op.points_criterion(7.5 + 6.0, "open_budget") == pytest.approx(13.5)
    assert op.points_criterion(19.0, "open_website") == 18.0
    # P7 per Table 8 criterion: website 1.5 + 1.5 = 3, open data 0.5, dialogue 1 → 4.5
    assert op.subordinate_penalty({"open_website": 3.0, "open_data": 0.5, "open_dialogue": 1.0}) == pytest.approx(4.5)
    # two subordinate organisations without a website's info: 1.5 · 2 languages · 2 = 6 → «Итого штрафных баллов 3»
    assert op.subordinate_penalty({"open_website": 6.0}) == 3.0
    # every criterion over its 3: 6 + 6 + 6 → 3 + 3 + 3 = 9
    assert op.subordinate_penalty({"open_website": 6.0, "open_data": 6.0, "open_dialogue": 6.0}) == 9.0
    assert op.subordinate_criterion_of("9.1") == "open_website"
    assert op.subordinate_criterion_of("10.3") == "open_data"
    assert op.subordinate_criterion_of("11.2") == "open_dialogue"


@pytest.mark.parametrize(
    ("items_1_5", "stimulus", "clamp_points", "literal_points"),
    [
        (18.0, 2.0, 18.0, 18.0),  # items 1–5 make 18: the stimulus «не учитывается» either way
        (17.0, 2.0, 18.0, 19.0),  # clamp: min(18, 17 + 2) = 18; literal: 17 < 18 → 17 + 2 = 19
        (15.5, 1.0, 16.5, 16.5),  # below the maximum both add it: 15.5 + 1 = 16.5
        (10.0, 0.0, 10.0, 10.0),
    ],
)
def test_open_data_stimulus_readings(
    items_1_5: float, stimulus: float, clamp_points: float, literal_points: float
) -> None:
    assert op.open_data_criterion(items_1_5, stimulus, "clamp") == pytest.approx(clamp_points)
    assert op.open_data_criterion(items_1_5, stimulus, "literal") == pytest.approx(literal_points)
    assert active_readings().value("open.stimulus_cap") == "clamp"  # «Итого 18», Appendix 7: 18
    with pytest.raises(ValueError, match=r"open\.stimulus_cap"):
        op.open_data_criterion(1.0, 1.0, "other")


def test_publicity_points() -> None:
    # a = 6 of b = 10 events: floor12 → 6 / 12 · 2.5 = 1.25; zero → 0 (b < 12)
    assert op.publicity_points(6, 10, "floor12") == pytest.approx(1.25)
    assert op.publicity_points(6, 10, "zero") == 0.0
    # b = 12: 9 / 12 · 2.5 = 1.875 under both readings
    assert op.publicity_points(9, 12, "floor12") == pytest.approx(1.875)
    assert op.publicity_points(9, 12, "zero") == pytest.approx(1.875)
    assert op.publicity_points(15, 15, "floor12") == pytest.approx(2.5)
    assert op.publicity_points(0, 0, "floor12") == 0.0


def test_media_answers_points() -> None:
    # 20 requests, 18 answers, 3 late: (18 − 3) / 20 = 0.75
    assert op.media_answers_points(20, 18, 3, "max") == pytest.approx(0.75)
    # no requests: max reading → 1, zero reading → 0
    assert op.media_answers_points(0, 0, 0, "max") == 1.0
    assert op.media_answers_points(0, 0, 0, "zero") == 0.0
    # inconsistent counts are clamped to 0..1
    assert op.media_answers_points(5, 10, 0, "max") == 1.0


@pytest.mark.parametrize(
    ("pct", "floor_points", "exact_points"),
    [
        (100.0, 1.5, 1.5),
        (81.0, 1.5, 1.5),
        (80.6, 1.0, 1.5),  # «свыше 80 %» strict: 80.6 is above 80 (floor 80 is not)
        (80.5, 1.0, 1.5),
        (80.01, 1.0, 1.5),  # the band edge: anything above 80 scores 1.5
        (80.0, 1.0, 1.0),  # 80.0 is not above 80; gap 79 < x ≤ 80 takes the lower band «от 69 до 79» → 1
        (79.5, 1.0, 1.0),  # gap between 79 and 80 → lower band 1
        (68.5, 0.8, 0.8),  # gap 68 < x < 69 → lower band «от 58 до 68» → 0.8
        (69.0, 1.0, 1.0),
        (68.9, 0.8, 0.8),
        (58.0, 0.8, 0.8),
        (57.99, 0.6, 0.6),
        (47.0, 0.6, 0.6),
        (46.5, 0.4, 0.4),
        (36.0, 0.4, 0.4),
        (35.9, 0.0, 0.0),
        (35.0, 0.0, 0.0),
        (0.0, 0.0, 0.0),
    ],
)
def test_population_satisfaction_bands(pct: float, floor_points: float, exact_points: float) -> None:
    assert op.population_satisfaction_points(pct, "floor") == floor_points
    assert op.population_satisfaction_points(pct, "exact") == exact_points
    # the default is the text's literal reading (issue 15 item 2)
    default = active_readings().value("open.population_band")
    assert op.population_satisfaction_points(pct, default) == exact_points


def test_media_openness_per_language() -> None:
    readings = active_readings()
    # kk: A = 6/12 · 2.5 = 1.25; B = 15/20 = 0.75; C = 0.8; D(72 %) = 1 → (1.25 + 0.75) · 0.8 + 1 = 2.6
    kk = op.media_openness_language(6, 10, 20, 18, 3, 80.0, 72.0, readings)
    assert kk["P6"] == pytest.approx(2.6)
    # ru: A = 12/12 · 2.5 = 2.5; B = 1 (no requests); C = 0.8; D(81 %) = 1.5 → 3.5 · 0.8 + 1.5 = 4.3
    ru = op.media_openness_language(12, 12, 0, 0, 0, 80.0, 81.0, readings)
    assert ru["P6"] == pytest.approx(4.3)
    assert op.media_openness({"kk": kk, "ru": ru}) == pytest.approx(6.9)
    assert op.media_openness({"kk": kk}) == pytest.approx(2.6)  # missing language → 0
    # maximum: (2.5 + 1) · 1 + 1.5 = 5 per language → 10
    best = op.media_openness_language(20, 20, 5, 5, 0, 100.0, 95.0, readings)
    assert op.media_openness({"kk": best, "ru": best}) == pytest.approx(10.0)
    # C = 0 (no media satisfied) leaves only D: 1.5 + 1.5 = 3
    unsatisfied = op.media_openness_language(20, 20, 5, 5, 0, 0.0, 95.0, readings)
    assert op.media_openness({"kk": unsatisfied, "ru": unsatisfied}) == pytest.approx(3.0)


# ---------------------------------------------------------------------------------------
# Direction
# ---------------------------------------------------------------------------------------


def _frames() -> dict[str, pl.DataFrame]:
    rows: list[tuple[str, int, str, str, str, float]] = []
    # C1 P1: every Table 1 item at its maximum in both languages + API bonus → 9 + 1 per language = 20 → 18
    rows += [
        ("C1", YEAR, "open_data", item, lang, m)
        for item, m in ed.OPEN_ITEM_MAX_PER_LANGUAGE[("open_data", "CGO")].items()
        for lang in ("kk", "ru")
    ]
    rows += [
        ("C1", YEAR, "open_budget", "10", "kk", 1.5),
        ("C1", YEAR, "open_budget", "11", "kk", 2.0),
        ("C1", YEAR, "open_budget", "2", "kk", 0.5),
    ]
    rows += [
        ("C1", YEAR, "open_budget", "10", "ru", 1.5),
        ("C1", YEAR, "open_budget", "11", "ru", 2.0),
        ("C1", YEAR, "open_budget", "3", "ru", 0.5),
    ]
    # P2: 1.5 + 2 + 0.5 = 4 per language → 8
    rows += [("C1", YEAR, "open_legal_acts", "4", lang, 3.5) for lang in ("kk", "ru")]  # 7
    rows += [("C1", YEAR, "open_website", str(i), lang, 1.5) for i in range(1, 7) for lang in ("kk", "ru")]  # 18
    # P7: 1.5 + 1.5 (website) + 1 (dialogue, kk) + 0.5 (open data, ru) = 4.5; one row via a subordinate unit
    rows += [
        ("C1", YEAR, "open_subordinate_penalty", "9.1", "kk", 1.5),
        ("C1-S", YEAR, "open_subordinate_penalty", "9.1", "ru", 1.5),
        ("C1", YEAR, "open_subordinate_penalty", "11.2", "kk", 1.0),
        ("C1", YEAR, "open_subordinate_penalty", "10.1", "ru", 0.5),
    ]
    rows += [("C1", YEAR - 1, "open_dialogue", "1", "kk", 2.5)]  # another year
    # M1: P4 = 2.5 + 1.5 + 1.5 + 1.5 + 0.5 + 0.5 + 1 = 9 (kk only); P7 rows for an MIO are ignored
    rows += [
        ("M1", YEAR, "open_dialogue", item, "kk", m)
        for item, m in ed.OPEN_ITEM_MAX_PER_LANGUAGE[("open_dialogue", "MIO")].items()
    ]
    rows += [("M1", YEAR, "open_subordinate_penalty", "9.1", "kk", 1.5)]
    media = media_frame(
        [
            ("C1", YEAR, "kk", 6, 10, 20, 18, 3, 80.0, 72.0),  # 2.6 (see test above)
            ("C1", YEAR, "ru", 12, 12, 0, 0, 0, 80.0, 81.0),  # 4.3
            ("C1", YEAR - 1, "ru", 0, 0, 0, 0, 0, 0.0, 0.0),
        ]
    )
    return {"openness_points": points_frame(rows), "openness_media": media}


def test_compute_openness_cgo_and_mio() -> None:
    indicators, directions = op.compute_openness(_frames(), BODIES, YEAR, active_readings())
    values = {(r.agency_id, r.indicator): r.value for r in indicators}
    assert values[("C1", "open_data")] == 18.0
    assert values[("C1", "open_budget")] == pytest.approx(8.0)
    assert values[("C1", "open_legal_acts")] == pytest.approx(7.0)
    assert values[("C1", "open_dialogue")] == 0.0
    assert values[("C1", "open_website")] == pytest.approx(18.0)
    assert values[("C1", "open_media")] == pytest.approx(6.9)
    assert values[("C1", "open_subordinate_penalty")] == pytest.approx(-4.5)
    raw = {d.agency_id: d.raw_score for d in directions}
    # O = 18 + 8 + 7 + 0 + 18 + 6.9 − 4.5 = 53.4
    assert raw["C1"] == pytest.approx(53.4)
    # M1: P4 = 9, no media rows → P6 = 0, no P7 → O = 9
    assert ("M1", "open_subordinate_penalty") not in values
    assert values[("M1", "open_dialogue")] == pytest.approx(9.0)
    assert values[("M1", "open_media")] == 0.0
    assert raw["M1"] == pytest.approx(9.0)
    media_row = next(r for r in indicators if r.agency_id == "C1" and r.indicator == "open_media")
    assert media_row.reading == "open.media_no_requests=max;open.population_band=exact;open.publicity_small_b=floor12"
    assert media_row.inputs["A_kk"] == pytest.approx(1.25)
    assert next(r for r in indicators if r.indicator == "open_subordinate_penalty").max_points == -9.0


def test_compute_openness_readings_change_p6() -> None:
    readings = active_readings({"open.publicity_small_b": "zero", "open.media_no_requests": "zero"})
    indicators, _ = op.compute_openness(_frames(), BODIES, YEAR, readings)
    p6 = next(r.value for r in indicators if r.agency_id == "C1" and r.indicator == "open_media")
    # kk: A = 0 (b = 10 < 12), B = 0.75 → 0.75 · 0.8 + 1 = 1.6; ru: A = 2.5, B = 0 → 2.5 · 0.8 + 1.5 = 3.5
    assert p6 == pytest.approx(5.1)


def test_p7_cap_and_missing_media_table() -> None:
    rows = [
        ("C1", YEAR, "open_subordinate_penalty", item, lang, m)
        for item, m in ed.OPEN_ITEM_MAX_PER_LANGUAGE[("open_subordinate_penalty", "CGO")].items()
        for lang in ("kk", "ru")
    ]
    rows += [("C1-S", YEAR, *r[2:]) for r in rows]  # a second subordinate set: 9 + 9 = 18 → capped at 9
    indicators, directions = op.compute_openness(
        {"openness_points": points_frame(rows)}, BODIES, YEAR, active_readings()
    )
    values = {r.indicator: r.value for r in indicators}
    assert values["open_subordinate_penalty"] == -9.0
    assert "open_media" not in values  # openness_media absent → P6 not computed
    assert directions == []  # … and no direction total


# ---------------------------------------------------------------------------------------
# Points per assessed body (issue 22 item 1)
# ---------------------------------------------------------------------------------------


def test_unit_rows_are_summed_per_body_then_capped_at_the_item_maximum() -> None:
    # The central office C1 and its unit C1-S each send Table 1 item 1 at 2.5 in both languages.
    rows = [(unit, YEAR, "open_data", "1", lang, 2.5) for unit in ("C1", "C1-S") for lang in ("kk", "ru")]
    # … and each reports a subordinate organisation without the art. 16 information (Table 9): 1.5 per language.
    rows += [
        (unit, YEAR, "open_subordinate_penalty", "9.1", lang, 1.5) for unit in ("C1", "C1-S") for lang in ("kk", "ru")
    ]
    points = points_frame(rows)
    bad = op.check_openness_points(points, BODIES)
    # item 1: 2.5 + 2.5 = 5 per language > 2.5 → the four open-data rows are a cross-table error;
    # P7 rows are not (several subordinate organisations add up per Table 8 criterion)
    assert sorted(zip(bad["agency_id"], bad["language"], strict=True)) == [
        ("C1", "kk"),
        ("C1", "ru"),
        ("C1-S", "kk"),
        ("C1-S", "ru"),
    ]
    assert set(bad["criterion"]) == {"open_data"}
    assert bad["capped"].all()
    assert all("sum to 5" in r and "maximum 2.5" in r for r in bad["reason"])
    # the flagged rows stay in the scoring frame (only rows wrong on their own are taken out)
    kept = points.join(
        bad.select("agency_id", "criterion", "item", "language"),
        on=["agency_id", "criterion", "item", "language"],
        how="anti",
    )
    restored = op.restore_capped_rows(points, kept, bad)
    assert restored.height == points.height
    indicators, _ = op.compute_openness({"openness_points": restored}, BODIES, YEAR, active_readings())
    values = {r.indicator: r.value for r in indicators if r.agency_id == "C1"}
    # open_data = min(2.5, 5) kk + min(2.5, 5) ru = 5, not 10
    assert values["open_data"] == pytest.approx(5.0)
    # P7 website: 1.5 · 2 units · 2 languages = 6 → Table 9 «Итого штрафных баллов 3» → −3, not −6
    assert values["open_subordinate_penalty"] == pytest.approx(-3.0)
    p7 = next(r for r in indicators if r.indicator == "open_subordinate_penalty")
    assert p7.inputs["sum_open_website"] == pytest.approx(6.0)
    assert p7.inputs["criterion_max"] == 3.0


def test_unit_rows_within_the_maximum_are_not_flagged() -> None:
    # C1 1.5 + C1-S 1.0 = 2.5 on item 1 kk: exactly the maximum → valid, open_data = 2.5
    points = points_frame([("C1", YEAR, "open_data", "1", "kk", 1.5), ("C1-S", YEAR, "open_data", "1", "kk", 1.0)])
    assert op.check_openness_points(points, BODIES).is_empty()
    indicators, _ = op.compute_openness({"openness_points": points}, BODIES, YEAR, active_readings())
    assert next(r.value for r in indicators if r.indicator == "open_data") == pytest.approx(2.5)


# ---------------------------------------------------------------------------------------
# Items not assessed: cross-body averages (issue 15 item 3, issue 22 item 2)
# ---------------------------------------------------------------------------------------

PEERS = pl.DataFrame(
    {
        "agency_id": ["C1", "C2", "C3", "M1", "M2"],
        "body_type": ["CGO", "CGO", "CGO", "MIO", "MIO"],
        "name_ru": ["Министерство 1", "Министерство 2", "Министерство 3", "Акимат 1", "Акимат 2"],
        "region_code": [None, None, None, "11", "15"],
    }
)
MARKED_SCHEMA = {**POINTS_SCHEMA, "not_assessed": pl.Utf8}


def marked_frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    """Rows (agency, criterion, item, language, points, not_assessed) of the year, each its own body."""
    full = [(a, YEAR, c, i, lang, p, m) for a, c, i, lang, p, m in rows]
    frame = pl.DataFrame([dict(zip(MARKED_SCHEMA, r, strict=True)) for r in full], schema=MARKED_SCHEMA)
    return frame.with_columns(pl.col("agency_id").alias("assessed_agency_id"))


def _value(indicators: list[Any], body: str, code: str) -> float:
    return next(r.value for r in indicators if r.agency_id == body and r.indicator == code)


def test_not_assessed_item_gets_the_mean_of_two_assessed_peers() -> None:
    frame = marked_frame(
        [
            # C1: secret budget on Table 2 item 2, its own item 10 kk 1.5; MoD/MFA mark on Table 6 item 5.3
            ("C1", "open_budget", "2", "kk", None, "secret_budget"),
            ("C1", "open_budget", "2", "ru", None, "secret_budget"),
            ("C1", "open_budget", "10", "kk", 1.5, None),
            ("C1", "open_dialogue", "5.3", "kk", None, "mod_mfa"),
            ("C2", "open_budget", "2", "kk", 0.5, None),
            ("C2", "open_budget", "2", "ru", 0.5, None),
            ("C2", "open_dialogue", "5.3", "kk", 0.5, None),
            ("C3", "open_budget", "2", "kk", 0.0, None),
            ("C3", "open_budget", "2", "ru", 0.5, None),
            ("C3", "open_dialogue", "5.3", "kk", 0.0, None),
            # MIOs are not C1's peers: Table 3 item 2 (max 2) and the MIO personal reception (max 1)
            ("M1", "open_budget", "2", "kk", 2.0, None),
            ("M1", "open_dialogue", "5.3", "kk", 1.0, None),
        ]
    )
    assert op.check_openness_points(frame, PEERS).is_empty()
    indicators, _ = op.compute_openness({"openness_points": frame}, PEERS, YEAR, active_readings())
    # item 2 kk: (C2 0.5 + C3 0) / 2 = 0.25; ru: (0.5 + 0.5) / 2 = 0.5; P2 = 1.5 + 0.25 + 0.5 = 2.25
    assert _value(indicators, "C1", "open_budget") == pytest.approx(2.25)
    # item 5.3 kk: (0.5 + 0) / 2 = 0.25 (the CGO average of Table 6 note **, M1's 1.0 left out)
    assert _value(indicators, "C1", "open_dialogue") == pytest.approx(0.25)
    budget = next(r for r in indicators if r.agency_id == "C1" and r.indicator == "open_budget")
    assert budget.inputs["own_kk"] == pytest.approx(1.5)
    assert budget.inputs["averaged_kk"] == pytest.approx(0.25)
    assert budget.inputs["points_kk"] == pytest.approx(1.75)
    kk = next(a for a in budget.inputs["averaged_items"] if a["language"] == "kk")
    assert kk == {
        "item": "2",
        "language": "kk",
        "not_assessed": "secret_budget",
        "rule": "average",
        "value": pytest.approx(0.25),
        "peer_count": 2,
        "peers": ["C2", "C3"],
    }
    # the average is IN SEED (para. 67): no reading named on the figure
    assert budget.reading == "default"
    # peers themselves are untouched: C2 P2 = 0.5 + 0.5 = 1
    assert _value(indicators, "C2", "open_budget") == pytest.approx(1.0)


@pytest.mark.parametrize(("reading", "expected"), [("maximum", 2.0 + 2.0), ("zero", 0.0)])
def test_not_assessed_item_with_zero_assessed_peers(reading: str, expected: float) -> None:
    # C1 is the only CGO with Table 2 item 11 rows, and it is not assessed on them: the mean of
    # nothing. maximum (default): the item's weight 2 per language → 4; zero → 0.
    frame = marked_frame(
        [
            ("C1", "open_budget", "11", "kk", None, "dsp_budget"),
            ("C1", "open_budget", "11", "ru", None, "dsp_budget"),
            ("M1", "open_budget", "7", "kk", 2.0, None),  # an MIO's Table 3 item 7 is no peer
        ]
    )
    overrides = {} if reading == "maximum" else {"open.average_no_peers": reading}
    indicators, _ = op.compute_openness({"openness_points": frame}, PEERS, YEAR, active_readings(overrides))
    budget = next(r for r in indicators if r.agency_id == "C1" and r.indicator == "open_budget")
    assert budget.value == pytest.approx(expected)
    assert budget.reading == f"open.average_no_peers={reading}"
    assert {a["rule"] for a in budget.inputs["averaged_items"]} == {f"no_peers_{reading}"}
    assert all(a["peers"] == [] for a in budget.inputs["averaged_items"])
    assert active_readings().value("open.average_no_peers") == "maximum"


@pytest.mark.parametrize(
    ("reading", "bank_item_2", "mod_item_4"),
    [
        ("average", (0.5 + 0.0) / 2, (1.5 + 0.5) / 2),  # default: the CGO average as Table 6 note ** gives
        ("maximum", 0.5, 1.5),
        ("zero", 0.0, 0.0),
    ],
)
def test_notes_without_a_score_follow_the_excluded_item_reading(
    reading: str, bank_item_2: float, mod_item_4: float
) -> None:
    frame = marked_frame(
        [
            ("C1", "open_budget", "2", "kk", None, "national_bank"),  # Table 2 note **
            ("C1", "open_dialogue", "4", "kk", None, "mod_excluded"),  # Table 6 note *
            ("C2", "open_budget", "2", "kk", 0.5, None),
            ("C3", "open_budget", "2", "kk", 0.0, None),
            ("C2", "open_dialogue", "4", "kk", 1.5, None),
            ("C3", "open_dialogue", "4", "kk", 0.5, None),
        ]
    )
    overrides = {} if reading == "average" else {"open.excluded_item": reading}
    indicators, _ = op.compute_openness({"openness_points": frame}, PEERS, YEAR, active_readings(overrides))
    assert _value(indicators, "C1", "open_budget") == pytest.approx(bank_item_2)
    assert _value(indicators, "C1", "open_dialogue") == pytest.approx(mod_item_4)
    dialogue = next(r for r in indicators if r.agency_id == "C1" and r.indicator == "open_dialogue")
    assert dialogue.reading == f"open.excluded_item={reading}"
    assert active_readings().value("open.excluded_item") == "average"


def test_check_not_assessed_marks() -> None:
    frame = marked_frame(
        [
            ("C1", "open_budget", "3", "ru", None, "secret_budget"),  # ok: para. 67, any Table 2 item
            ("M1", "open_budget", "7", "ru", None, "dsp_budget"),  # ok: Table 3 item of an MIO
            ("C1", "open_dialogue", "4", "kk", None, "mod_excluded"),  # ok: Table 6 item 4
            ("C1", "open_dialogue", "1", "kk", None, "mod_excluded"),  # only item 4 is excluded
            ("M1", "open_dialogue", "5.1", "kk", None, "mod_mfa"),  # MoD/MFA are CGOs
            ("C1", "open_budget", "6", "kk", None, "national_bank"),  # note ** is on items 2–5, 8–11
            ("C1", "open_budget", "9", "kk", None, "national_bank"),  # ok
            ("C1", "open_data", "1", "kk", None, "secret_budget"),  # a budget mark on open data
            ("C1", "open_budget", "10", "kk", 1.5, "secret_budget"),  # points on a not-assessed row
        ]
    )
    bad = op.check_openness_points(frame, PEERS)
    assert sorted(zip(bad["criterion"], bad["item"], strict=True)) == [
        ("open_budget", "10"),
        ("open_budget", "6"),
        ("open_data", "1"),
        ("open_dialogue", "1"),
        ("open_dialogue", "5.1"),
    ]
    reasons = dict(zip(bad["item"], bad["reason"], strict=True))
    assert reasons["10"] == "points 1.5 given for open_budget item 10 marked not_assessed=secret_budget"
    assert all("does not apply" in r for item, r in reasons.items() if item != "10")
    assert not bad["capped"].any()


def test_item_marked_not_assessed_and_scored_is_quarantined() -> None:
    frame = marked_frame(
        [("C1", "open_budget", "3", "kk", None, "secret_budget"), ("C1-S", "open_budget", "3", "kk", 0.5, None)]
    ).with_columns(pl.lit("C1").alias("assessed_agency_id"))
    bad = op.check_openness_points(frame, PEERS)
    assert bad.height == 2 and not bad["capped"].any()
    assert all("either assessed on the item or not" in r for r in bad["reason"])


def test_moved_by_averages_only() -> None:
    averaged = [{"item": "2", "language": "kk", "not_assessed": "secret_budget", "value": 0.25, "peers": ["C2"]}]
    before = {"points_kk": 1.75, "own_kk": 1.5, "averaged_kk": 0.25, "averaged_items": averaged}
    after = {**before, "points_kk": 1.9, "averaged_kk": 0.4, "averaged_items": [{**averaged[0], "value": 0.4}]}
    assert op.moved_by_averages_only(before, after)
    # its own points moved too: not only the average
    assert not op.moved_by_averages_only(before, {**after, "own_kk": 1.0})
    # no averaged item: a plain figure of another body must not move
    assert not op.moved_by_averages_only({"points_kk": 1.0}, {"points_kk": 2.0})


def test_sums_do_not_depend_on_the_order_rows_or_peers_come_in() -> None:
    # Two builds of one drop must give the same figures to the last bit. Float addition is not
    # associative: 0.1 + 0.2 + 0.3 = 0.6000000000000001 but 0.3 + 0.2 + 0.1 = 0.6. polars returns
    # groups in a run-dependent order, so the sums are exact (fsum) and taken in key order.
    readings = active_readings()
    peers = {"C2": 0.1, "C3": 0.2, "C4": 0.3}
    forward = op.not_assessed_points("secret_budget", "open_budget", "2", "CGO", peers, readings)
    backward = op.not_assessed_points(
        "secret_budget", "open_budget", "2", "CGO", dict(reversed(peers.items())), readings
    )
    # mean = exact 0.6 / 3 = 0.19999999999999998 (the float nearest 0.6, divided by 3), both ways
    assert forward[0] == backward[0] == 0.6 / 3
    own = {("C1", "open_dialogue", str(i), "kk"): v for i, v in ((1, 0.1), (2, 0.2), (3, 0.3))}
    args = ("C1", "CGO", "open_dialogue")
    value_a, inputs_a, _ = op._points_criterion_values(*args, own, {}, {}, readings)
    value_b, inputs_b, _ = op._points_criterion_values(*args, dict(reversed(own.items())), {}, {}, readings)
    # items 1 + 2 + 3 = 0.1 + 0.2 + 0.3, in item order whatever order the dict holds them in
    assert inputs_a == inputs_b and value_a == value_b == inputs_a["points_kk"]
    # unit rows of one body and item arrive in any order: the body's sum is the same float
    rows = [("C1", "open_budget", "2", "kk", v, None) for v in (0.1, 0.2, 0.3)]
    sums = {
        op.aggregate_points(marked_frame(order), YEAR)[0][("C1", "open_budget", "2", "kk")]
        for order in (rows, rows[::-1], [rows[1], rows[0], rows[2]])
    }
    assert sums == {0.6}  # fsum: the float nearest the exact 0.1 + 0.2 + 0.3


def test_points_sums_do_not_depend_on_the_rows_order():
    """Two builds of one drop give byte-identical marts: float sums are added in one order.

    Item 1 of open_data (ru) of C1 arrives in three rows 0.1, 0.2, 0.3 (no body types: no cap):
    0.6 up to the last bit, and the same bits whatever order the rows came in (in floating
    point (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1). The keys come out in key order, so the
    criterion sums built from them (P1–P5 over items and languages) add in one order too.
    """
    rows = [
        ("C1", YEAR, "open_data", "2", "ru", 0.5),
        ("C1", YEAR, "open_data", "1", "ru", 0.1),
        ("M1", YEAR, "open_data", "1", "ru", 1.0),
        ("C1", YEAR, "open_data", "1", "ru", 0.2),
        ("C1", YEAR, "open_data", "1", "kk", 0.7),
        ("C1", YEAR, "open_data", "1", "ru", 0.3),
    ]
    assert (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1  # the order matters in floating point
    forward, _ = op.aggregate_points(points_frame(rows), YEAR)
    backward, _ = op.aggregate_points(points_frame(rows[::-1]), YEAR)
    assert list(forward.items()) == list(backward.items())
    assert forward[("C1", "open_data", "1", "ru")] == pytest.approx(0.6)
    assert list(forward) == [
        ("C1", "open_data", "1", "kk"),
        ("C1", "open_data", "1", "ru"),
        ("C1", "open_data", "2", "ru"),
        ("M1", "open_data", "1", "ru"),
    ]
