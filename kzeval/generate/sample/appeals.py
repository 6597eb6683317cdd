"""``appeals`` of the sample (form 1-OL): received, reviewed, redirected, late, overturned by courts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kzeval.generate.sample.draws import date_in, lerp
from kzeval.generate.sample.profile import QUALITY
from kzeval.generate.sample.state import SampleState


class AppealTables(SampleState):
    """Rows of ``appeals``, one method per table; state from :class:`SampleState`."""

    def appeals(self) -> list[tuple[Any, ...]]:
        rngs = self.rngs("appeals")
        rows: list[tuple[Any, ...]] = []
        seq = 0
        cal = self.cal
        kinds = ("application", "complaint", "request", "proposal")
        for body in self.bodies:
            rng = rngs[body.agency_id]
            q = QUALITY[body.agency_id].appeals
            units = self.children[body.agency_id]
            weights = [6 if u.is_assessed else 2 for u in units]
            n = rng.randint(900, 2500) if body.body_type == "CGO" else rng.randint(1500, 3200)
            late_p = 0.004 + (1 - q) ** 1.3 * 0.03
            redirect_late_p = lerp(0.25, 0.005, q)
            yes_p = lerp(0.5, 1.0, q)
            court_targets = round(lerp(4.0, 0.0, q) * n / 2000)  # ≈ a/p × 10 000 of R2 (para. 99)
            body_rows: list[list[Any]] = []
            for unit, kind in zip(
                rng.choices(units, weights=weights, k=n), rng.choices(kinds, weights=(62, 34, 3, 1), k=n), strict=True
            ):
                seq += 1
                if rng.random() < 0.015:  # carried over from December of the previous year
                    received = date_in(rng, date(self.year - 1, 12, 1), date(self.year - 1, 12, 31))
                else:
                    received = date_in(rng, date(self.year, 1, 1), date(self.year, 12, 31))
                due = cal.add_workdays(received, 20 if kind == "complaint" else 15)
                reviewed: date | None = None
                redirected: date | None = None
                redirect_due: date | None = None
                disciplinary: str | None = None
                late = False
                if rng.random() < 0.05:
                    redirect_due = cal.add_workdays(received, 3)
                    if rng.random() < redirect_late_p:
                        redirected = cal.add_workdays(redirect_due, rng.randint(1, 6))
                        late = True
                    else:
                        redirected = (
                            cal.add_workdays(received, rng.randint(0, 2)) if rng.random() < 0.7 else redirect_due
                        )
                        if redirected < received:
                            redirected = received
                elif due > date(self.year, 12, 31) and rng.random() < 0.25:
                    reviewed = None  # still under review when the register was exported
                elif rng.random() < late_p:
                    reviewed = cal.add_workdays(due, rng.randint(1, 10))
                    late = True
                else:
                    reviewed = cal.add_workdays(received, rng.randint(1, 14))
                    reviewed = min(reviewed, due)
                if late:
                    r = rng.random()
                    disciplinary = "impossible" if r < 0.05 else "yes" if r < 0.05 + 0.95 * yes_p else "no"
                appeal_id = f"{received.year}-{seq:07d}"
                body_rows.append(
                    [
                        appeal_id,
                        unit.agency_id,
                        kind,
                        received,
                        due,
                        reviewed,
                        redirected,
                        redirect_due,
                        None,
                        disciplinary,
                    ]
                )
            reviewed_complaints = [
                r for r in body_rows if r[2] == "complaint" and r[5] is not None and r[3].year == self.year
            ]
            for row in rng.sample(reviewed_complaints, min(court_targets, len(reviewed_complaints))):
                row[8] = row[5] + timedelta(days=rng.randint(30, 150))
            rows.extend(tuple(r) for r in body_rows)
        return rows
