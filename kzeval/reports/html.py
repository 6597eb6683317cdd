"""Self-contained HTML reports (Jinja2 templates, plotly charts with plotly.js inlined once).

The file opens offline: no CDN, no external CSS or fonts.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from kzeval.reports import charts, forms
from kzeval.reports.appendices import fact_text, facts_word
from kzeval.reports.charts import robustness_chart
from kzeval.reports.fmt import compact_inputs, integer, num, pct, signed
from kzeval.reports.model import ROLE_LABEL, AgencyReport, NationalReport

TEMPLATES = Path(__file__).parent / "templates"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=num, signed=signed, pct=pct, integer=integer, inputs=compact_inputs)
    return env


def figure_div(fig: go.Figure, div_id: str) -> str:
    """A chart as a ``<div>`` + script; plotly.js itself is inlined once in the page head."""
    return str(fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOTLY_CONFIG))


def _common(title: str, any_provisional: bool) -> dict[str, Any]:
    return {
        "page_title": title,
        "plotly_js": get_plotlyjs(),
        "generated": dt.date.today().strftime("%d.%m.%Y"),
        "any_provisional": any_provisional,
        "provisional_note": forms.LABEL_PROVISIONAL,
        "forms": forms,
    }


def render_agency_html(report: AgencyReport) -> str:
    """The conclusions of one body: block forms, direction forms, analysis, indicator detail."""
    chart_divs = {
        "summary": figure_div(charts.agency_directions_chart(report), "chart-summary"),
        "blocks": {
            b.block: figure_div(charts.block_share_chart(b, report.body_type_label), f"chart-block-{b.block}")
            for b in report.blocks
        },
    }
    context = _common(f"Заключения {report.year} — {report.name_ru}", report.any_provisional)
    context.update(
        r=report,
        charts=chart_divs,
        body_long=forms.BODY_TYPE_LONG.get(report.body_type, report.body_type).capitalize(),
        genitive=forms.BODY_TYPE_GENITIVE.get(report.body_type, "государственного органа"),
        name_hint=f"наименование {forms.BODY_TYPE_GENITIVE.get(report.body_type, 'государственного органа')}",
        role_label=ROLE_LABEL,
        facts_word=facts_word,
        fact_text=fact_text,
    )
    return _env().get_template("agency.html.j2").render(**context)


def render_national_html(report: NationalReport) -> str:
    """The national ranking: summary, tiers, directions, rankings, regions, movers."""
    chart_divs: dict[str, Any] = {
        "tiers": figure_div(charts.tier_distribution_chart(report), "chart-tiers"),
        "spread": figure_div(charts.direction_spread_chart(report), "chart-spread"),
        "rankings": [
            figure_div(charts.ranking_chart(t, report.year), f"chart-ranking-{t.block}-{t.body_type}")
            for t in report.rankings
        ],
        "regions": figure_div(charts.regions_chart(report.regions, report.year), "chart-regions")
        if report.regions
        else "",
        "movers": [
            figure_div(charts.movers_chart(t, report.year), f"chart-movers-{t.block}-{t.body_type}")
            if t.with_change
            else ""
            for t in report.rankings
        ],
    }
    rob = report.robustness
    chart_divs["robustness"] = (
        [
            figure_div(robustness_chart(rob, block), f"chart-robustness-{block}")
            for block in forms.BLOCK_ORDER
            if any(b.block == block for b in rob.bodies)
        ]
        if rob is not None
        else []
    )
    context = _common(f"Национальный рейтинг {report.year}", report.any_provisional)
    context.update(r=report, charts=chart_divs)
    return _env().get_template("national.html.j2").render(**context)
