"""Building landing drops for the tests: the one place that writes landing files.

Writers (used by the ``landing`` fixture of tests/conftest.py and by the integration tests):
``write_text`` puts raw text or bytes at ``<root>/<table>/<name>``; ``write_table`` writes a CSV
from a header and rows. Headers shared by many tests: ``AGENCIES_HEADER``/``AGENCIES_CSV`` (the
minimal roster of the ``landing`` fixture) and ``APPEAL_HEADER``/``APPEALS_CSV_HEADER``.

``sample_drop`` writes the embedded sample drop (``kzeval demo``'s, seed 42), the base of the
integration tests that run the whole pipeline.

The dispute drop (``build_drop``): two CGO (C1 with a territorial unit, C2) and one MIO.
The figures before and after the commission's corrections are worked out in the tests'
comments (methodology §1–4, seed 004). C1 is the disputing body; C2 sits between C1's
before and after block scores so that only its rank may move; M1 has a pending decision of
its own that a recompute for C1 must not apply.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kzeval.generate.sample import generate_sample

YEAR = 2024
CORRECTION_HEADER = [
    "correction_id",
    "agency_id",
    "year",
    "table",
    "key",
    "column",
    "new_value",
    "decided_on",
    "decision_ref",
    "note",
]
APPEAL_HEADER = [
    "appeal_id",
    "agency_id",
    "kind",
    "received_on",
    "due_on",
    "reviewed_on",
    "redirected_on",
    "redirect_due_on",
    "court_satisfied_on",
    "disciplinary",
]
APPEALS_CSV_HEADER = ",".join(APPEAL_HEADER) + "\n"
AGENCIES_HEADER = ["agency_id", "name_ru", "body_type", "parent_agency_id", "is_assessed", "region_code", "level"]
# Column headers of the interaction tables, as a delivery writes them (shared by every hand-made drop).
HEADERS: dict[str, list[str]] = {
    "openness_media": [
        "agency_id",
        "year",
        "language",
        "events_high_publicity",
        "events_total",
        "media_requests",
        "media_answers",
        "media_answers_late",
        "media_satisfied_pct",
        "population_satisfied_pct",
    ],
    "openness_points": ["agency_id", "year", "criterion", "item", "language", "points"],
    "reporting_penalties": ["agency_id", "year", "direction", "kind", "facts", "act_ref"],
    "service_automation": [
        "agency_id",
        "year",
        "volume_electronic",
        "volume_total",
        "volume_paper_automated",
        "volume_total_automated",
        "unavailability_hours",
        "proactive_converted",
        "digital_documents",
    ],
    "service_complaints": ["agency_id", "year", "justified_complaints"],
    "service_register": [
        "service_code",
        "agency_id",
        "automation",
        "in_mobile_app",
        "excluded_by_commission_on",
        "proactive_since",
    ],
    "service_satisfaction": ["agency_id", "service_code", "year", "satisfaction_score", "respondents"],
    "service_violations": [
        "agency_id",
        "service_code",
        "year",
        "source",
        "overdue",
        "unjustified_refusals",
        "incomplete_package",
        "extra_documents",
    ],
    "services_rendered": [
        "agency_id",
        "service_code",
        "month",
        "channel",
        "rendered",
        "overdue",
        "overdue_excluded_outage",
    ],
}
# The roster every ``landing`` fixture starts with: a CGO with a territorial unit and an MIO.
AGENCIES_CSV = (
    ",".join(AGENCIES_HEADER) + "\n"
    "CGO-A,Министерство А,CGO,,true,,central\n"
    "CGO-A-T,Департамент А по Карагандинской области,CGO,CGO-A,false,35,territorial\n"
    "MIO-35,Акимат Карагандинской области,MIO,,true,35,oblast\n"
)
VIOLATION_KEY_C1 = '{"agency_id": "C1", "service_code": "S1", "year": 2024, "source": "inspection"}'

# The decisions: two valid ones for C1, one valid one for M1 (deferred under a C1 recompute),
# and three that must be rejected (unknown row, wrong column, wrong type).
CORRECTIONS: list[list[object]] = [
    ["K-1", "C1", YEAR, "appeals", '{"appeal_id": "C1-late"}', "reviewed_on", "14.02.2024", "2025-03-01", "СК-2025/1",
     "ответ направлен 14.02.2024, подтверждено письмом"],
    ["K-2", "C1", YEAR, "service_violations", VIOLATION_KEY_C1, "overdue", "2", "2025-03-02", "СК-2025/2",
     "два случая вне зоны ответственности органа"],
    ["K-3", "M1", YEAR, "appeals", '{"appeal_id": "M1-0"}', "reviewed_on", "2024-05-20", "2025-03-03", "СК-2025/3", ""],
    ["K-BAD-ROW", "C1", YEAR, "appeals", '{"appeal_id": "NOPE"}', "reviewed_on", "2024-02-14", "2025-03-01",
     "СК-2025/4", ""],
    ["K-BAD-COL", "C1", YEAR, "appeals", '{"appeal_id": "C1-late"}', "reviewed", "2024-02-14", "2025-03-01",
     "СК-2025/5", ""],
    ["K-BAD-TYPE", "C1", YEAR, "service_violations", VIOLATION_KEY_C1, "overdue", "два", "2025-03-01", "СК-2025/6", ""],
]  # fmt: skip


SAMPLE_SEED = 42


def sample_drop(folder: Path, year: int = YEAR) -> Path:
    """The embedded sample drop for ``year`` (seed 42, as ``kzeval demo`` writes it) in ``folder``."""
    generate_sample(folder, seed=SAMPLE_SEED, year=year)
    return folder


def write_text(root: Path, table: str, name: str, content: str | bytes) -> Path:
    """Write ``<root>/<table>/<name>`` as given (text as UTF-8) and return the file path."""
    folder = root / table
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def write_table(root: Path, table: str, header: list[str], rows: list[list[object]], name: str | None = None) -> Path:
    folder = root / table
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{table}.csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_corrections(root: Path, rows: list[list[object]] | None = None) -> Path:
    return write_table(root, "corrections", CORRECTION_HEADER, rows or CORRECTIONS, "decisions_2025.csv")


def build_drop(root: Path) -> None:
    """Every interaction table for C1, C2 and M1 (no corrections yet)."""
    write_table(
        root,
        "agencies",
        AGENCIES_HEADER,
        [
            ["C1", "Министерство тестов", "CGO", "", "true", "", "central"],
            ["C1-T", "Департамент по Карагандинской области", "CGO", "C1", "false", "35", "territorial"],
            ["C2", "Министерство сравнения", "CGO", "", "true", "", "central"],
            ["M1", "Акимат Карагандинской области", "MIO", "", "true", "35", "oblast"],
        ],
    )
    write_table(
        root,
        "services_rendered",
        HEADERS["services_rendered"],
        [
            ["C1", "S1", "2024-01-01", "electronic", 100000, 3, 1],
            ["C1-T", "S1", "2024-02-01", "paper", 100000, 0, 0],
            ["C2", "S5", "2024-01-01", "electronic", 10000, 0, 0],
            ["M1", "S9", "2024-01-01", "electronic", 50000, 0, 0],
        ],
    )
    write_table(
        root,
        "service_violations",
        HEADERS["service_violations"],
        [["C1", "S1", YEAR, "inspection", 4, 1, 0, 0], ["M1", "S9", YEAR, "self_report", 0, 0, 1, 0]],
    )
    write_table(
        root,
        "service_satisfaction",
        HEADERS["service_satisfaction"],
        [["C1", "S1", YEAR, 4.85, 100], ["C2", "S5", YEAR, 4.85, 100], ["M1", "S9", YEAR, 4.65, 100]],
    )
    write_table(
        root,
        "service_complaints",
        HEADERS["service_complaints"],
        [["C1", YEAR, 10], ["C2", YEAR, 0], ["M1", YEAR, 0]],
    )
    write_table(
        root,
        "service_register",
        HEADERS["service_register"],
        [
            ["S1", "C1", "full", "true", "", ""],
            ["S2", "C1", "none", "false", "", ""],
            ["S5", "C2", "full", "true", "", ""],
            ["S9", "M1", "full", "true", "", ""],
        ],
    )
    write_table(
        root,
        "service_automation",
        HEADERS["service_automation"],
        [["C1", YEAR, 90, 100, 10, 100, 2, 1, 0], ["C2", YEAR, 100, 100, 0, 100, 0, 0, 0]],
    )
    points: list[list[object]] = []
    for item, criterion, kk, ru in [
        ("1", "open_data", 2.5, 2.5),
        ("11", "open_budget", 2, 2),
        ("1", "open_dialogue", 2.5, 2.5),
        ("1", "open_website", 1.5, 1.5),
    ]:
        points += [["C1", YEAR, criterion, item, "kk", kk], ["C1", YEAR, criterion, item, "ru", ru]]
    points += [["C2", YEAR, "open_data", "1", "kk", 2.5], ["M1", YEAR, "open_data", "1", "kk", 2.5]]
    write_table(root, "openness_points", HEADERS["openness_points"], points)
    write_table(
        root,
        "openness_media",
        HEADERS["openness_media"],
        [
            ["C1", YEAR, "kk", 6, 10, 4, 4, 1, 80, 70],
            ["C1", YEAR, "ru", 12, 24, 0, 0, 0, 100, 85],
            ["C2", YEAR, "kk", 0, 0, 0, 0, 0, 50, 40],
            ["M1", YEAR, "kk", 0, 0, 0, 0, 0, 50, 40],
        ],
    )
    on_time = ["complaint", "2024-03-01", "2024-03-16", "2024-03-10", "", "", "", ""]
    appeals: list[list[object]] = [[f"C1-{i}", "C1", *on_time] for i in range(49)]
    appeals.append(["C1-late", "C1", "application", "2024-02-01", "2024-02-15", "2024-02-20", "", "", "", "yes"])
    appeals.append(
        ["C1-redir", "C1", "complaint", "2024-04-01", "2024-04-15", "", "2024-04-05", "2024-04-04", "", "no"]
    )
    appeals += [[f"C2-{i}", "C2", *on_time] for i in range(49)]
    appeals.append(["C2-late", "C2", "complaint", "2024-02-01", "2024-02-15", "2024-02-20", "", "", "", "yes"])
    appeals += [
        [f"M1-{i}", "M1", "application", "2024-05-01", "2024-05-16", "2024-05-10", "", "", "", ""] for i in range(100)
    ]
    write_table(root, "appeals", APPEAL_HEADER, appeals)
    write_table(
        root,
        "reporting_penalties",
        HEADERS["reporting_penalties"],
        [["C1", YEAR, "services", "unreliable", 2, "Акт-1"], ["C1", YEAR, "services", "incomplete", 3, "Акт-1"]],
    )
