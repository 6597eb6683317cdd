"""National drop, tables per assessed body: openness points and media, the IT report, reconciliation acts."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import polars as pl

from kzeval.generate.national.context import NationalContext, active_on, contract_rows
from kzeval.generate.national.draws import small_poisson
from kzeval.generate.rows import openness_point_rows, reconciliation_act_ref, subordinate_penalty_rows

# openness_points.not_assessed: the Ministry of Defence's budget is secret (para. 67) and it is
# out of Table 6 item 4 (note *); Defence and Foreign Affairs hold no meetings under Decree
# No. 863 (Table 6 note **, items 5.1–5.4). They receive the CGO average.
_MEETINGS = ("5.1", "5.2", "5.3", "5.4")
NATIONAL_NOT_ASSESSED: dict[tuple[str, str, str], str] = {
    **{("CGO-MO", "open_budget", item): "secret_budget" for item in ("3", "8", "9", "10", "11")},
    ("CGO-MO", "open_dialogue", "4"): "mod_excluded",
    **{(body, "open_dialogue", item): "mod_mfa" for body in ("CGO-MO", "CGO-MID") for item in _MEETINGS},
}


def body_tables(ctx: NationalContext, people: pl.DataFrame) -> None:
    year = ctx.year
    rng = random.Random(f"kzeval-national:{ctx.seed}:bodies")
    bodies = ctx.bodies.sort("agency_id")
    staff_end = dict(
        people.filter(active_on(date(year, 12, 31))).group_by("body_id").agg(pl.len()).sort("body_id").iter_rows()
    )
    points: list[tuple[Any, ...]] = []
    media: list[tuple[Any, ...]] = []
    it: list[tuple[Any, ...]] = []
    penalties: list[tuple[Any, ...]] = []
    penalised = set(rng.sample(sorted(bodies.filter(pl.col("body_type") == "CGO")["agency_id"].to_list()), 3))
    for row in bodies.iter_rows(named=True):
        body, body_type = row["agency_id"], row["body_type"]
        qo, qi = row["q_openness"], row["q_it"]
        full_p, zero_p = 0.45 + 0.55 * qo, 0.5 - 0.4 * qo
        points += openness_point_rows(rng, body, body_type, year, full_p, zero_p, NATIONAL_NOT_ASSESSED)
        if body in penalised:
            points += subordinate_penalty_rows(rng, body, year)
        media_pct = round(min(100.0, 45 + 52 * qo + rng.uniform(-3, 3)), 1)
        population_pct = round(min(100.0, 38 + 50 * qo + rng.uniform(-3, 3)), 1)
        for language in ("kk", "ru"):
            total = rng.randint(20, 120)
            high = round(total * min(1.0, 0.25 + 0.65 * qo + rng.uniform(-0.05, 0.05)))
            requests = rng.randint(10, 150)
            answers = requests - min(requests, small_poisson(rng, 2.0 - 1.9 * qo))
            late = min(answers, small_poisson(rng, 4.0 - 3.8 * qo))
            media.append((body, year, language, high, total, requests, answers, late, media_pct, population_pct))
        is_cgo = body_type == "CGO"
        records_rng = random.Random(f"kzeval-national:{ctx.seed}:it_records:{body}")
        systems = rng.randint(8, 25) if is_cgo else rng.randint(6, 15)
        registered = min(systems, round(systems * (0.55 + 0.45 * qi + rng.uniform(-0.05, 0.03))))
        smart = None if is_cgo else round(6900 * min(1.0, 0.3 + 0.62 * qi + rng.uniform(-0.04, 0.04)), 1)
        functions = rng.randint(60, 220)
        digital = rng.randint(6, 22)
        staff = int(staff_end.get(body, 0))
        amount = round(rng.uniform(80e6, 2.5e9), -3)
        indicators = rng.randint(40, 300) if is_cgo else None
        it.append(
            (
                body,
                year,
                registered,
                systems,
                smart,
                round(min(100.0, 65 + 34 * qi + rng.uniform(-2, 1)), 1),
                min(functions, round(functions * (0.45 + 0.51 * qi + rng.uniform(-0.03, 0.03)))),
                functions,
                digital,
                min(digital, round(digital * (0.45 + 0.55 * qi + rng.uniform(-0.05, 0.02)))),
                staff,
                min(staff, round(staff * (0.25 + 0.7 * qi + rng.uniform(-0.05, 0.03)))),
                amount,
                round(amount * min(1.0, 0.15 + 0.65 * qi + rng.uniform(-0.05, 0.05)), -3),
                indicators,
                None if indicators is None else min(indicators, round(indicators * (0.2 + 0.75 * qi))),
                small_poisson(rng, 1.8 - 1.8 * qi),
                # columns added later draw from a stream of their own (the others keep their values)
                records_rng.randint(50_000, 5_000_000) * systems,  # records_total (App. 8 Table 1)
                records_rng.randint(0, 3),  # systems_dsp: marked ДСП, out of systems_total (para. 57)
            )
        )
        mean_q = (row["q_services"] + row["q_openness"] + row["q_appeals"] + row["q_hr"] + row["q_it"]) / 5
        if rng.random() < 0.6 * (1 - mean_q):
            direction = rng.choice(("services", "openness", "appeals", "hr", "it"))
            kind = rng.choice(("unreliable", "incomplete", "late"))
            facts = 1 + small_poisson(rng, 2 * (1 - mean_q))
            penalties.append((body, year, direction, kind, facts, reconciliation_act_ref(len(penalties) + 1, year)))
    ctx.write("openness_points", contract_rows("openness_points", points))
    ctx.write("openness_media", contract_rows("openness_media", media))
    ctx.write("it_report", contract_rows("it_report", it))
    ctx.write("reporting_penalties", contract_rows("reporting_penalties", penalties))
